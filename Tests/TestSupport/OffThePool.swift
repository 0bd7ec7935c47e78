import Foundation

/// Runs blocking work — a child process such as Chromium, a long computation — on a thread of its
/// own. Swift Testing runs every test's code on the concurrency pool, which has one thread per
/// core: two tests blocking both threads for half a minute stall every other test's awaits
/// meanwhile, and a network test then sees its peer "time out" although nothing was slow but
/// the test runner. `ProcessRunner.run` and the other waits of `TestSupport` go through it;
/// expectations stay outside: they belong to the test's task.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: work)) }.start()
    }
}
