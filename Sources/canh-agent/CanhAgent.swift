import Agent
import ArgumentParser
import Glibc

@main
struct CanhAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canh-agent",
        abstract: "Canh agent: evaluates the Decree 85 rule pack on this server's journal, certificates and settings.",
        version: AgentVersion.current,
        subcommands: [ScanCommand.self, RulesCommand.self, EnrollCommand.self]
    )

    /// Exit codes of SPEC §3: 0 success, 1 problems found, 2 usage, configuration or input error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            Console.error(message)
            Glibc.exit(code == .failure ? 1 : 2)
        }
    }
}

/// Writes to standard error: the place for problems, so standard output stays machine-readable.
enum Console {
    static func error(_ message: String) {
        var text = message
        if !text.hasSuffix("\n") { text += "\n" }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            guard result > 0 else { return }
            written += result
        }
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
