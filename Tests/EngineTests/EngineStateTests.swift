import CanhModel
import Engine
import Foundation
import Testing

/// The agent checkpoints the engine's memory with the journal cursor: an engine restored from a
/// checkpoint must go on exactly as one that never stopped.
@Suite struct EngineStateTests {
    /// A mixed stream: brute force from two sources interleaved, a success after failures, and a
    /// silence longer than an hour in one boot.
    static func stream() -> [(Timestamp, BootID, [String: String])] {
        var entries: [(Timestamp, BootID, [String: String])] = []
        let boot = BootID(high: 7, low: 7)
        for second in stride(from: Int64(0), to: 600, by: 20) {
            for source in ["198.51.100.7", "203.0.113.9"] {
                entries.append(
                    (
                        start + .seconds(second), boot,
                        [
                            "SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "_HOSTNAME": "web01",
                            "MESSAGE": "Failed password for root from \(source) port 50122 ssh2",
                        ]
                    ))
            }
        }
        entries.append(
            (
                start + .seconds(601), boot,
                [
                    "SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "_HOSTNAME": "web01",
                    "MESSAGE": "Accepted password for root from 198.51.100.7 port 50200 ssh2",
                ]
            ))
        entries.append((start + .seconds(601 + 7200), boot, ["SYSLOG_IDENTIFIER": "CRON", "MESSAGE": "(root) CMD (true)"]))
        return entries
    }

    static func makeEngine() throws -> JournalEngine {
        try JournalEngine(pack: defaultPack, level: level(3), hostNaming: .fixed("web01"))
    }

    static func describe(_ detections: [Detection]) -> [String] {
        detections.map { "\($0.rule.id) \($0.entity) \($0.count) \($0.firstSeen.iso8601) \($0.time.iso8601)" }
    }

    @Test func restoredEngineContinuesAsIfItNeverStopped() throws {
        let entries = Self.stream()
        let uninterrupted = try Self.makeEngine()
        let expected = Self.describe(entries.flatMap { uninterrupted.evaluate(at: $0.0, boot: $0.1, $0.2) })
        #expect(expected.contains { $0.hasPrefix("auth.ssh.bruteforce 198.51.100.7") })
        #expect(expected.contains { $0.hasPrefix("auth.ssh.success_after_failures 198.51.100.7") })
        #expect(expected.contains { $0.hasPrefix("log.coverage.gap") })

        for split in [1, 7, 20, 33, entries.count - 1] {
            let first = try Self.makeEngine()
            var produced = Self.describe(entries[..<split].flatMap { first.evaluate(at: $0.0, boot: $0.1, $0.2) })
            // Through JSON, as the spool stores it.
            let saved = try JSONEncoder().encode(first.state())
            let second = try Self.makeEngine()
            second.restore(try JSONDecoder().decode(JournalEngineState.self, from: saved))
            produced += Self.describe(entries[split...].flatMap { second.evaluate(at: $0.0, boot: $0.1, $0.2) })
            #expect(produced == expected, "split at entry \(split)")
        }
    }

    @Test func anEngineWithoutItsStateCountsAfresh() throws {
        // The control: dropping the state changes the outcome, so the test above can fail.
        let entries = Self.stream()
        let uninterrupted = try Self.makeEngine()
        let expected = Self.describe(entries.flatMap { uninterrupted.evaluate(at: $0.0, boot: $0.1, $0.2) })
        let first = try Self.makeEngine()
        var produced = Self.describe(entries[..<20].flatMap { first.evaluate(at: $0.0, boot: $0.1, $0.2) })
        let fresh = try Self.makeEngine()
        produced += Self.describe(entries[20...].flatMap { fresh.evaluate(at: $0.0, boot: $0.1, $0.2) })
        #expect(produced != expected)
    }
}
