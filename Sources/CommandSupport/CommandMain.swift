public import ArgumentParser
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
            Glibc.exit(0)
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if let message = inputError(error) {
                Console.error("error: \(message)")
                Glibc.exit(2)
            }
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
public enum Console {
    public static func error(_ message: String) {
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
