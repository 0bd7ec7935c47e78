import AgentSpool
import CanhModel
import Foundation
import TestSupport
import Testing

/// The agent's spool on a real SQLite file, reopened as a restarted agent would.
@Suite struct SpoolTests {
    func record(_ index: Int, severity: Severity = .high, minute: Int = 0) -> FindingRecord {
        let entity = "198.51.100.\(index)"
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "cursor-\(index)"), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: .fail, severity: severity, level: Level.all[2], requirements: ["ND85-SRV-AUTH-01"],
            host: "web01", entity: entity, time: Timestamp.at("2026-11-23T01:00:00Z") + .seconds(Int64(minute) * 60), firstSeen: nil,
            count: 5, title: LocalizedText(vi: "Dò mật khẩu SSH", en: "SSH password guessing"),
            evidence: Evidence([("src_ip", .text(entity))]))
    }

    @Test("records and the reader's checkpoint survive a restart together; acknowledged records are gone")
    func durable() throws {
        let directory = try TemporaryDirectory(prefix: "canh-spool")
        let path = directory.file("spool.sqlite")
        do {
            let spool = try Spool(path: path, capacityBytes: 1 << 20)
            try spool.append(
                [record(1), record(2), record(3)], reader: "journal",
                checkpoint: Spool.Checkpoint(position: "s=abc;i=3", state: Array("{\"windows\":[]}".utf8)))
        }
        let reopened = try Spool(path: path, capacityBytes: 1 << 20)
        #expect(
            try reopened.checkpoint(reader: "journal") == Spool.Checkpoint(position: "s=abc;i=3", state: Array("{\"windows\":[]}".utf8)))
        let pending = try reopened.pending(limit: 10)
        #expect(pending.count == 3)
        let first = try FindingRecord(jsonLine: String(decoding: pending[0].json, as: UTF8.self))
        #expect(first == record(1))
        try reopened.acknowledge(pending.prefix(2).map(\.sequence))
        #expect(try reopened.pending(limit: 10).map(\.sequence) == [pending[2].sequence])
        #expect(try reopened.depth().records == 1)
        #expect(try reopened.depth().bytes == Int64(pending[2].json.count))
        #expect(try reopened.checkpoint(reader: "endpoints") == nil)
    }

    @Test("over capacity the least severe, oldest records are dropped first and tallied once")
    func bounded() throws {
        let directory = try TemporaryDirectory(prefix: "canh-spool")
        // Room for exactly the four records that should remain.
        let survivors = [
            record(2, severity: .critical, minute: 2), record(3, severity: .medium, minute: 3), record(4, severity: .low, minute: 4),
            record(5, severity: .high, minute: 5),
        ]
        let capacity = survivors.reduce(0) { $0 + Array($1.json.serialized.utf8).count }
        let spool = try Spool(path: directory.file("spool.sqlite"), capacityBytes: Int64(capacity))
        try spool.append([
            record(1, severity: .low, minute: 1), record(2, severity: .critical, minute: 2), record(3, severity: .medium, minute: 3),
        ])
        let dropped = try spool.append([
            record(4, severity: .low, minute: 4), record(5, severity: .high, minute: 5), record(6, severity: .info, minute: 6),
        ])
        #expect(dropped == 2)
        let kept = try spool.pending(limit: 10).map { try FindingRecord(jsonLine: String(decoding: $0.json, as: UTF8.self)).severity }
        #expect(kept == [.critical, .medium, .low, .high])
        var seen: [Spool.Dropped] = []
        let reports = try spool.reportDropped { dropped in
            seen.append(dropped)
            return record(99, severity: .high, minute: 7)
        }
        #expect(seen.map(\.cause) == [.spoolFull])
        #expect(seen.first?.counts == [.info: 1, .low: 1])
        #expect(seen.first?.oldest == Timestamp.at("2026-11-23T01:01:00Z"))
        #expect(seen.first?.newest == Timestamp.at("2026-11-23T01:06:00Z"))
        // The report is spooled with the tally cleared: reporting again finds nothing.
        #expect(reports.map(\.id) == [record(99).id])
        #expect(try spool.pending(limit: 10).count == 5)
        #expect(try spool.reportDropped { _ in record(100) }.isEmpty)
    }

    @Test("a record the collector refuses alone leaves the spool, tallied with the collector's message")
    func refused() throws {
        let directory = try TemporaryDirectory(prefix: "canh-spool")
        let spool = try Spool(path: directory.file("spool.sqlite"), capacityBytes: 1 << 20)
        try spool.append([record(1, severity: .medium), record(2)])
        let pending = try spool.pending(limit: 10)
        try spool.reject(pending[0].sequence, reason: "records[0].entity: longer than 4096 bytes")
        #expect(try spool.pending(limit: 10).map(\.sequence) == [pending[1].sequence])
        var seen: [Spool.Dropped] = []
        try spool.reportDropped { dropped in
            seen.append(dropped)
            return nil
        }
        #expect(seen.count == 1)
        #expect(seen.first?.cause == .refused)
        #expect(seen.first?.counts == [.medium: 1])
        #expect(seen.first?.reason == "records[0].entity: longer than 4096 bytes")
    }

    @Test("facts for status survive reopening")
    func facts() throws {
        let directory = try TemporaryDirectory(prefix: "canh-spool")
        do {
            let spool = try Spool(path: directory.file("spool.sqlite"), capacityBytes: 1 << 20)
            try spool.setFact("last_delivery", "2026-11-23T01:00:00Z")
            try spool.setFact("last_delivery", "2026-11-23T01:05:00Z")
        }
        let reopened = try Spool(path: directory.file("spool.sqlite"), capacityBytes: 1 << 20)
        #expect(try reopened.facts() == ["last_delivery": "2026-11-23T01:05:00Z"])
    }

    @Test("a spool file that is not a database is refused with its path")
    func unusable() throws {
        let directory = try TemporaryDirectory(prefix: "canh-spool")
        let path = directory.file("spool.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try Spool(path: path, capacityBytes: 1 << 20) }
        do {
            _ = try Spool(path: path, capacityBytes: 1 << 20)
        } catch {
            #expect(error.description.contains(path))
        }
    }
}
