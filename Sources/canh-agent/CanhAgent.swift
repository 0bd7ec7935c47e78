import Agent
import ArgumentParser
import CommandSupport
import Glibc

@main
struct CanhAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canh-agent",
        abstract: "Canh agent: evaluates the Decree 85 rule pack on this server's journal, certificates and settings.",
        version: AgentVersion.current,
        subcommands: [RunCommand.self, StatusCommand.self, ScanCommand.self, RulesCommand.self, EnrollCommand.self]
    )

    static func main() async {
        await runWithExitCodes()
    }
}

/// A problem with what the user gave (a file, a flag, the rule pack): printed, exit code 2.
struct InputError: Error, CustomStringConvertible {
    var description: String
}

extension ParsableCommand {
    /// Runs `body`, turning input errors into their message and exit code 2.
    func reportingInputErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Console.error("canh-agent: \(error)")
            throw ExitCode(2)
        }
    }
}
