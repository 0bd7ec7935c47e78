import Foundation
import Synchronization

/// Maps on up to `concurrency` threads at once, keeping the input order. The work is blocking
/// network and OpenSSL calls, so it runs on threads of its own rather than the cooperative pool.
enum ParallelMap {
    /// For CPU-bound work: more threads than cores only add switching.
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], concurrency: Int, _ transform: @escaping @Sendable (Input) -> Output
    ) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        let results = Mutex<[Int: Output]>([:])
        let next = Mutex(0)
        let workers = max(1, min(concurrency, inputs.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            let thread = Thread {
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < inputs.count else { break }
                    let output = transform(inputs[index])
                    results.withLock { $0[index] = output }
                }
                group.leave()
            }
            group.enter()
            thread.start()
        }
        group.wait()
        let collected = results.withLock { $0 }
        return inputs.indices.compactMap { collected[$0] }
    }
}
