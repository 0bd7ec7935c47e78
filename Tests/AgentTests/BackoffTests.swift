import Agent
import Testing

/// Waits between failed deliveries: doubling, capped, jittered.
@Suite struct BackoffTests {
    @Test("the ceiling doubles from the first wait and stops at the maximum; waits are spread below it")
    func doublingCappedJittered() {
        let backoff = Backoff(first: .seconds(1), maximum: .seconds(60))
        #expect((1...9).map { backoff.ceiling(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { .seconds($0) })
        #expect(backoff.ceiling(afterFailures: 1000) == .seconds(60))
        var system = SystemRandomNumberGenerator()
        let waits = (0..<200).map { _ in backoff.delay(afterFailures: 4, using: &system) }
        #expect(waits.allSatisfy { $0 >= .zero && $0 < .seconds(8) })
        #expect(waits.contains { $0 < .seconds(4) } && waits.contains { $0 > .seconds(4) }, "waits are spread, not all alike")
    }
}
