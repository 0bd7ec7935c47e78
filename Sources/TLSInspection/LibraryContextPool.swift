internal import COpenSSL
import Synchronization

/// OpenSSL library contexts lent to one thread at a time.
///
/// OpenSSL 3.0 serialises threads that share a library context on its algorithm and decoder
/// caches: two threads decoding certificates in the default context run slower together than
/// one alone (measured in docs/benchmarks.md). A thread that borrows a context of its own for
/// each parse or verification does not wait on the others. Contexts are created on demand, at
/// most one per thread working at once, and kept for the life of the process, so objects made
/// in them stay valid.
final class LibraryContextPool: Sendable {
    static let shared = LibraryContextPool()

    private struct Context: @unchecked Sendable {
        // @unchecked: an OSSL_LIB_CTX is safe to use from any thread; the pool lends it to one.
        let pointer: OpaquePointer
    }

    private let idle = Mutex<[Context]>([])

    /// Runs `body` with a context no other thread is using (nil: the default context, if a new
    /// one cannot be made).
    func withContext<Result, Failure: Error>(_ body: (OpaquePointer?) throws(Failure) -> Result) throws(Failure) -> Result {
        let borrowed = idle.withLock { $0.popLast() } ?? OSSL_LIB_CTX_new().map(Context.init)
        defer { if let borrowed { idle.withLock { $0.append(borrowed) } } }
        return try body(borrowed?.pointer)
    }
}
