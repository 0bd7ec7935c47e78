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
        let workers = max(1, min(concurrency, inputs.count))
        guard workers > 1 else { return inputs.map(transform) }
        // Workers take the next index from an atomic counter and keep their results to
        // themselves until they finish, so no lock is taken per item.
        let next = Atomic<Int>(0)
        let finished = Mutex<[[(Int, Output)]]>([])
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                var local: [(Int, Output)] = []
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < inputs.count else { break }
                    local.append((index, transform(inputs[index])))
                }
                finished.withLock { $0.append(local) }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        var slots = [Output?](repeating: nil, count: inputs.count)
        for (index, output) in finished.withLock({ $0 }).joined() { slots[index] = output }
        return slots.compactMap { $0 }
    }
}
