import CanhModel
import Foundation
import TestSupport
import Testing

@Suite struct FindingRecordTests {
    private func sample(entity: String = "198.51.100.7", evidence: Evidence = Evidence([("user", .text("root"))])) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "s=1"), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: .fail, severity: .high, level: Level(rawValue: 3) ?? Level.lowest,
            requirements: ["ND85-SRV-AUTH-01"], host: "web01", entity: entity,
            time: Timestamp.at("2026-11-22T03:14:15Z"), firstSeen: Timestamp.at("2026-11-22T03:10:02Z"), count: 7,
            title: LocalizedText(vi: "Dò mật khẩu", en: "Password guessing"), evidence: evidence)
    }

    @Test("JSON keys come in the order of SPEC §5")
    func keyOrder() throws {
        let line = sample().jsonLine
        let keys = [
            "\"id\"", "\"fingerprint\"", "\"rule\"", "\"outcome\"", "\"severity\"", "\"level\"", "\"requirements\"", "\"host\"",
            "\"entity\"", "\"time\"", "\"first_seen\"", "\"count\"", "\"title\"", "\"evidence\"",
        ]
        let positions = try keys.map { try #require(line.range(of: $0)?.lowerBound) }
        #expect(positions == positions.sorted())
        #expect(line.contains("\"time\":\"2026-11-22T03:14:15Z\""))
        #expect(line.contains("\"vi\":\"Dò mật khẩu\""))
    }

    @Test("a record decodes back to itself, evidence values included")
    func roundTrip() throws {
        let record = sample(
            evidence: Evidence([("count", .number(3)), ("users", .list(["a", "b"])), ("sample", .text("x\ny\u{1}\"z\\"))]))
        let decoded = try FindingRecord(jsonLine: record.jsonLine)
        #expect(decoded.id == record.id)
        #expect(decoded.time == record.time)
        #expect(decoded.firstSeen == record.firstSeen)
        #expect(decoded.evidence["sample"] == .text("x\ny\u{1}\"z\\"))
        #expect(decoded.evidence["users"] == .list(["a", "b"]))
        #expect(decoded.evidence["count"] == .number(3))
        #expect(!record.jsonLine.contains("\n"), "one record is one line")
    }

    @Test("fingerprints depend on host, rule and entity; ids also on the trigger")
    func identities() {
        let a = FindingRecord.fingerprint(host: "web01", rule: "r.x", entity: "e")
        #expect(a == FindingRecord.fingerprint(host: "web01", rule: "r.x", entity: "e"))
        #expect(a != FindingRecord.fingerprint(host: "web02", rule: "r.x", entity: "e"))
        #expect(a != FindingRecord.fingerprint(host: "web01", rule: "r.x", entity: "f"))
        // The separator cannot be forged by moving characters between parts.
        #expect(
            FindingRecord.fingerprint(host: "ab", rule: "c", entity: "d") != FindingRecord.fingerprint(host: "a", rule: "bc", entity: "d"))
        #expect(a.count == 64)
        #expect(
            FindingRecord.id(fingerprint: a, outcome: .fail, trigger: "s=1")
                != FindingRecord.id(fingerprint: a, outcome: .fail, trigger: "s=2"))
    }
}

@Suite struct DisplayTextTests {
    @Test("invalid UTF-8 bytes are shown as \\xNN and valid text is kept")
    func escapes() {
        #expect(String(journalBytes: Array("Hưng Yên".utf8)) == "Hưng Yên")
        #expect(String(journalBytes: [0x61, 0xFF, 0xFE, 0x62]) == "a\\xff\\xfeb")
        // A truncated multi-byte sequence and an overlong encoding are both invalid.
        #expect(String(journalBytes: [0xE1, 0xBB]) == "\\xe1\\xbb")
        #expect(String(journalBytes: [0xC0, 0xAF]) == "\\xc0\\xaf")
        #expect(String(journalBytes: [0x78, 0xE1, 0xBB, 0x87]) == "xệ")
    }
}
