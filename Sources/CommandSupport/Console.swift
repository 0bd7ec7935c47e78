public import CanhModel
import Glibc
import Synchronization

/// The command lines' standard output and standard error. Output is buffered here and written
/// with write(2), so that a failure (`> /dev/full`, a full disk) is seen and reported instead of
/// being lost in a C stream nobody checks.
public enum Console {
    private struct Pending {
        var bytes: [UInt8] = []
        var failure: OutputFile.Failure?
    }

    private static let pending = Mutex(Pending())
    private static let bufferLimit = 64 << 10

    /// Writes `text` and a line end to standard output (buffered).
    public static func output(_ text: String) {
        pending.withLock { state in
            state.bytes += Array(text.utf8)
            state.bytes.append(UInt8(ascii: "\n"))
            if state.bytes.count >= bufferLimit { flush(&state) }
        }
    }

    /// Writes what is buffered, and bytes as they are, to standard output now.
    public static func output(bytes: [UInt8]) throws(OutputFile.Failure) {
        try pending.withLock { state throws(OutputFile.Failure) in
            flush(&state)
            if let failure = state.failure { throw failure }
            do throws(OutputFile.Failure) {
                try OutputFile.writeAll(bytes, to: STDOUT_FILENO, naming: "standard output")
            } catch {
                state.failure = error
                throw error
            }
        }
    }

    /// Writes what is still buffered, here and in the C library's streams (which other code may
    /// have printed to); the first failure of this run, if any.
    public static func finishOutput() -> OutputFile.Failure? {
        pending.withLock { state in
            flush(&state)
            if state.failure == nil, fflush(nil) != 0 {
                state.failure = OutputFile.Failure(description: "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            return state.failure
        }
    }

    private static func flush(_ state: inout Pending) {
        defer { state.bytes.removeAll(keepingCapacity: true) }
        guard state.failure == nil, !state.bytes.isEmpty else { return }
        do throws(OutputFile.Failure) {
            try OutputFile.writeAll(state.bytes, to: STDOUT_FILENO, naming: "standard output")
        } catch {
            state.failure = error
        }
    }

    /// Writes to standard error: the place for problems, so standard output stays machine-readable.
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
