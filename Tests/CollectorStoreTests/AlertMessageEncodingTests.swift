import Alerts
import CanhModel
import Foundation
import TestSupport
import Testing

/// The outbox stores messages written by `JSONValueEncoder`; they must read back with
/// `JSONDecoder` and be the very text Foundation's encoder wrote before, so rows queued by an
/// older collector and by this one are alike.
@Suite struct AlertMessageEncodingTests {
    static let time = Timestamp.at("2026-11-22T03:00:00Z")

    static var messages: [AlertMessage] {
        let system = InformationSystem(
            id: "hy-dvc", name: "Cổng dịch vụ công \"một cửa\"", owner: "UBND tỉnh Hưng Yên", level: Level.all[2], dossier: .approved)
        let finding = FindingState(
            fingerprint: String(repeating: "ab", count: 32), rule: "auth.ssh.bruteforce", entity: "10.0.0.1/32\u{1B}[2J", host: "web01",
            system: "hy-dvc", severity: .high, status: .open, outcome: .fail, count: 9_223_372_036_854_775_807, firstSeen: time,
            lastSeen: time, requirements: ["ND85-SRV-AUTH-01", "ND85-SRV-LOG-01"],
            title: LocalizedText(vi: "Dò mật khẩu SSH", en: "SSH password guessing"),
            evidence: #"{"sample":"Failed password for root\n\t\\ from 10.0.0.1","user":"röot\u0000"}"#, reason: "line one\r\nline two",
            exceptedUntil: time + .seconds(86_400))
        return [
            AlertMessage(
                key: "k1", transition: .opened, alertRule: "soc", at: time, system: system, host: "web01", rule: finding.rule,
                severity: .high, finding: finding,
                heldBack: MaintenanceWindow(system: "hy-dvc", from: time, until: time + .seconds(3600), reason: "nâng cấp / vá lỗi")),
            AlertMessage(
                key: "k2", kind: .digest, transition: nil, alertRule: "soc", at: time, system: system, host: nil,
                rule: "auth.ssh.bruteforce",
                severity: .critical, digest: AlertDigest(count: 8, since: time, until: time + .seconds(600), windowMinutes: 10)),
        ]
    }

    @Test func writesWhatJSONEncoderWroteAndReadsBack() throws {
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for message in Self.messages {
            let text = try JSONValueEncoder().encode(message).serialized
            #expect(text == String(decoding: try foundation.encode(message), as: UTF8.self))
            #expect(try JSONDecoder().decode(AlertMessage.self, from: Data(text.utf8)) == message)
        }
    }

    @Test func refusesWhatJSONValueCannotHold() throws {
        struct Measured: Encodable {
            var name = "load"
            var values = [[1.5]]
        }
        #expect {
            try JSONValueEncoder().encode(Measured())
        } throws: { error in
            guard case EncodingError.invalidValue(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["values", "0", "0"]
        }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([UInt64.max]) }
        #expect(try JSONValueEncoder().encode([[Int64.min], []] as [[Int64]]).serialized == "[[-9223372036854775808],[]]")
    }
}
