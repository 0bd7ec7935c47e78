import ArgumentParser
import CollectorClient
import Foundation
import Glibc

@main
struct CanhCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canh-collector",
        abstract: "Canh collector: the inventory of information systems, enrolled hosts and their findings.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ServeCommand.self, SystemCommand.self, TokenCommand.self, HostsCommand.self, FindingsCommand.self,
            UsersCommand.self, AuditCommand.self, CertsCommand.self,
        ]
    )

    /// Exit codes of SPEC §3: 0 success, 2 usage, configuration or input errors, including a
    /// request the collector refused (the message says why).
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
        } catch let error as CollectorClientError {
            StandardError.write("error: \(error)")
            Glibc.exit(2)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            StandardError.write(message)
            Glibc.exit(code == .failure ? 1 : 2)
        }
    }
}

enum StandardError {
    static func write(_ message: String) {
        let text = message.hasSuffix("\n") ? message : message + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
