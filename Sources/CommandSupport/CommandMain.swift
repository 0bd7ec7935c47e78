public import ArgumentParser
import CanhModel
import Glibc

extension AsyncParsableCommand {
    /// Parses the arguments, runs the command they name and exits with the codes of SPEC §3:
    /// 0 success, 1 "checked and found problems", 2 usage, configuration or input error.
    /// - Parameter inputError: the message for errors that are the caller's input (a refused
    ///   request, a bad file); they are printed as `error: MESSAGE` and exit 2.
    public static func runWithExitCodes(inputError: @Sendable (any Error) -> String? = { _ in nil }) async -> Never {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exitAfterOutput(0)
        } catch let code as ExitCode {
            exitAfterOutput(code.rawValue)
        } catch {
            if let message = inputError(error) {
                Console.error("error: \(message)")
                Glibc.exit(2)
            }
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                Console.output(message)
                exitAfterOutput(0)
            }
            Console.error(message)
            Glibc.exit(code == .failure ? 1 : 2)
        }
    }
}

/// Exits with `code` once standard output has taken everything printed; output that could not be
/// written (`> /dev/full`, a full disk) is an error, not a success.
private func exitAfterOutput(_ code: Int32) -> Never {
    if let failure = Console.finishOutput() {
        Console.error("error: \(failure.description)")
        Glibc.exit(2)
    }
    Glibc.exit(code)
}
