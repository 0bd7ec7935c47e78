import CanhModel
import Foundation
import TestSupport
import Testing

/// The collector's reader of record batches: JSON as RFC 8259 writes it, and errors that name
/// the field or the byte at fault.
@Suite struct RecordBatchReaderTests {
    func record(_ evidence: Evidence = Evidence([("user", .text("root")), ("port", .number(22)), ("places", .list(["/a", "/b"]))]))
        -> FindingRecord
    {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "auth.ssh.bruteforce", entity: "198.51.100.7")
        return FindingRecord(
            id: "r1", fingerprint: fingerprint, rule: "auth.ssh.bruteforce", outcome: .fail, severity: .high, level: Level.all[2],
            requirements: ["ND85-SRV-AUTH-01"], host: "web01", entity: "198.51.100.7", time: .at("2026-11-22T03:14:15Z"),
            firstSeen: .at("2026-11-22T03:10:02Z"), count: 7, title: LocalizedText(vi: "Dò mật khẩu SSH", en: "SSH guessing"),
            evidence: evidence)
    }

    func batch(_ records: [JSONValue]) -> [UInt8] { Array(JSONValue.object([("records", .array(records))]).serialized.utf8) }

    @Test("what an agent writes is read back as it was, evidence order included")
    func roundTrip() throws {
        let original = record(Evidence([("sample", .text("quote \" backslash \\ tab \t newline \n é 😀 \u{01}")), ("count", .number(-3))]))
        let read = try RecordBatchReader.records(from: batch([original.json, record().json]))
        #expect(read == [original, record()])
        #expect(read[0].evidence.entries.map(\.key) == ["sample", "count"])
    }

    @Test("escapes, surrogate pairs and whitespace of other writers are understood")
    func otherWriters() throws {
        let value = try JSONParser.parse(Array(#" { "a" : [ "\u00e9\ud83d\ude00\/" , -12 , true , null ] } "#.utf8))
        #expect(value == .object([("a", .array([.string("é😀/"), .integer(-12), .bool(true), .null]))]))
    }

    @Test(
        "malformed JSON is refused with the byte where it goes wrong",
        arguments: [
            (#"{"records": [1, 2"#, "unterminated array"), (#"{"a": 1.5}"#, "numbers must be whole"), (#"{"a": 01}"#, "leading zero"),
            (#"{"a": "\ud83d"}"#, "unpaired surrogate"), (#"{"a": tru}"#, "expected true"), (#"{"a": 1} x"#, "unexpected text after"),
            (#"{"a": 99999999999999999999}"#, "number out of range"), ("{\"a\": \"\u{01}\"}", "control character"),
        ])
    func malformed(text: String, reason: String) {
        #expect {
            try JSONParser.parse(Array(text.utf8))
        } throws: { error in
            (error as? JSONParser.Failure)?.reason.contains(reason) == true
        }
    }

    @Test("invalid UTF-8 in a string and nesting beyond the limit are refused")
    func hostileInput() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Failure(offset: 64, reason: "nested more than 64 levels")) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test("a wrong field is named with its record's index")
    func fieldErrors() throws {
        func failure(_ change: (inout [(String, JSONValue)]) -> Void) -> String {
            guard case .object(var members) = record().json else { return "" }
            change(&members)
            do {
                _ = try RecordBatchReader.records(from: batch([record().json, .object(members)]))
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(failure { $0.removeAll { $0.0 == "fingerprint" } } == "records[1].fingerprint: missing")
        #expect(
            failure { $0 = $0.map { $0.0 == "severity" ? ("severity", .string("urgent")) : $0 } }
                == "records[1].severity: \"urgent\" is not one of info, low, medium, high, critical")
        #expect(failure { $0 = $0.map { $0.0 == "level" ? ("level", .integer(9)) : $0 } } == "records[1].level: a level is 1 to 5")
        #expect(
            failure { $0 = $0.map { $0.0 == "time" ? ("time", .string("yesterday")) : $0 } }
                == "records[1].time: expected an ISO 8601 time like 2026-11-22T03:14:15Z")
        #expect(
            failure { $0 = $0.map { $0.0 == "evidence" ? ("evidence", .object([("x", .null)])) : $0 } }
                == "records[1].evidence.x: expected a string, a whole number or a list of strings")
        #expect(throws: RecordBatchReader.Failure(field: "records", reason: "missing")) {
            try RecordBatchReader.records(from: Array("{}".utf8))
        }
    }
}
