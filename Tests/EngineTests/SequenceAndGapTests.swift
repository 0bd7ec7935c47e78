import CanhModel
import Engine
import TestSupport
import Testing

@Suite struct SequenceTests {
    private func accepted(_ engine: JournalEngine, _ offset: Int64, from source: String, user: String = "alice") -> [Detection] {
        engine.evaluate(
            at: start + .seconds(offset),
            [
                "SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "_HOSTNAME": "web01",
                "MESSAGE": "Accepted password for \(user) from \(source) port 50000 ssh2",
            ])
    }

    @Test("failures then a success fire once; the success resets the group")
    func resetsAfterSuccess() throws {
        let engine = try engine(for: "auth.ssh.success_after_failures", at: 3)
        for offset: Int64 in [0, 10, 20] { _ = engine.sshFailure(offset, from: "198.51.100.23", user: "alice") }
        let first = accepted(engine, 30, from: "198.51.100.23")
        #expect(first.map(\.count) == [3])
        #expect(first.first?.evidence.text("user") == "alice")
        _ = engine.sshFailure(40, from: "198.51.100.23", user: "alice")
        #expect(accepted(engine, 50, from: "198.51.100.23").isEmpty, "one failure after the reset is not enough")
    }

    @Test("a success fires at most once per window for a group")
    func oncePerWindow() throws {
        let engine = try engine(for: "auth.ssh.success_after_failures", at: 3)
        var fired = 0
        for round: Int64 in 0..<3 {
            for index: Int64 in 0..<3 { _ = engine.sshFailure(round * 100 + index, from: "203.0.113.40") }
            fired += accepted(engine, round * 100 + 50, from: "203.0.113.40").count
        }
        #expect(fired == 1)
    }
}

@Suite struct GapTests {
    @Test("silence longer than the maximum within one boot is a gap; a new boot is not")
    func gaps() throws {
        let engine = try engine(for: "log.coverage.gap", at: 3)
        let bootA = BootID(high: 0xA, low: 1)
        let bootB = BootID(high: 0xB, low: 2)
        #expect(engine.evaluate(at: start, boot: bootA, ["MESSAGE": "a"]).isEmpty)
        #expect(engine.evaluate(at: start + .hours(1), boot: bootA, ["MESSAGE": "b"]).isEmpty)
        #expect(engine.evaluate(at: start + .hours(5), boot: bootB, ["MESSAGE": "reboot"]).isEmpty)
        let gap = engine.evaluate(at: start + .hours(6) + .seconds(1), boot: bootA, ["MESSAGE": "c"])
        #expect(gap.map(\.entity) == [bootA.description])
        #expect(gap.first?.evidence.text("from") == (start + .hours(1)).iso8601)
        #expect(gap.first?.evidence.text("silence") == "5h1s")
    }
}

@Suite struct MatchingTests {
    @Test("an entry that matches two alternatives of one rule counts once")
    func alternativesCountOnce() throws {
        let twoWays = try rule(
            fromYAML: """
                rules:
                  - id: test.alternatives
                    type: threshold
                    severity: low
                    levels: [1]
                    requirements: [ND85-SRV-LOG-01]
                    title: {vi: Thử, en: Test}
                    remediation: {vi: Sửa, en: Fix}
                    match:
                      - fields: {SYSLOG_IDENTIFIER: app}
                        message: '^login failed for (?<user>\\S+)$'
                      - message: '^login failed for (?<user>\\w+)$'
                    threshold: {group_by: [user], count: 2, window: 1m}
                    entity: user
                    tests:
                      - name: two entries fire
                        entries: [{SYSLOG_IDENTIFIER: app, MESSAGE: login failed for bob, repeat: 2}]
                        expect: [{entity: bob, count: 2}]
                      - name: one entry does not
                        entries: [{SYSLOG_IDENTIFIER: app, MESSAGE: login failed for bob}]
                        expect: []
                """)
        let engine = try JournalEngine(rules: [twoWays], level: level(1), hostNaming: .fixed("h"))
        #expect(engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "app", "MESSAGE": "login failed for bob"]).isEmpty)
        #expect(
            engine.evaluate(at: start + .seconds(1), ["SYSLOG_IDENTIFIER": "other", "MESSAGE": "login failed for bob"]).map(\.count) == [2])
    }

    @Test("fields are compared as bytes: a value with a trailing space or different case does not match")
    func exactFields() throws {
        let engine = try engine(for: "auth.ssh.root_login", at: 1)
        let message = "Accepted publickey for root from 10.0.0.5 port 1 ssh2"
        #expect(engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "sshd ", "_COMM": "sshd", "MESSAGE": message]).isEmpty)
        #expect(engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "SSHD", "_COMM": "sshd", "MESSAGE": message]).isEmpty)
        #expect(engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "sshd", "MESSAGE": message]).isEmpty, "_COMM is required")
        #expect(engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "MESSAGE": message]).count == 1)
    }

    @Test("a trailing newline cannot satisfy a pattern anchored with $")
    func dollarEndOnly() throws {
        let engine = try engine(for: "auth.ssh.root_login", at: 1)
        #expect(
            engine.evaluate(
                at: start,
                ["SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "MESSAGE": "Accepted password for root from 10.0.0.5 port 1 ssh2\n"]
            ).isEmpty)
    }

    @Test("the evidence carries the captures and a sample of the message, cut when huge")
    func evidence() throws {
        let engine = try engine(for: "malware.detected", at: 1)
        let longPath = "/srv/" + String(repeating: "a", count: 3000)
        let detection = try #require(
            engine.evaluate(at: start, ["SYSLOG_IDENTIFIER": "clamd", "_COMM": "clamd", "MESSAGE": "\(longPath): Eicar-Signature FOUND"])
                .first)
        #expect(detection.entity == longPath)
        #expect(detection.evidence.text("signature") == "Eicar-Signature")
        let sample = try #require(detection.evidence.text("sample"))
        #expect(sample.hasSuffix("… (3028 bytes)"))
        #expect(sample.count < 1100)
    }
}

@Suite struct FieldConditionTests {
    @Test("numeric ranges on PRIORITY and exact values on any field, such as _SYSTEMD_UNIT")
    func priorityAndUnit() throws {
        let errors = try rule(
            fromYAML: """
                rules:
                  - id: test.unit_errors
                    type: event
                    severity: low
                    levels: [1]
                    requirements: [ND85-SRV-OPS-01]
                    title: {vi: Lỗi, en: Errors}
                    remediation: {vi: Sửa, en: Fix}
                    match:
                      fields: {PRIORITY: {max: 3}, _SYSTEMD_UNIT: [postgresql@15-main.service]}
                    entity: host
                    tests:
                      - name: an error fires
                        entries: [{PRIORITY: "3", _SYSTEMD_UNIT: postgresql@15-main.service, MESSAGE: x}]
                        expect: [{entity: test-host}]
                      - name: a notice does not
                        entries: [{PRIORITY: "5", _SYSTEMD_UNIT: postgresql@15-main.service, MESSAGE: x}]
                        expect: []
                """)
        let engine = try JournalEngine(rules: [errors], level: level(1), hostNaming: .fixed("db01"))
        let unit = "postgresql@15-main.service"
        #expect(engine.evaluate(at: start, ["PRIORITY": "2", "_SYSTEMD_UNIT": unit, "MESSAGE": "FATAL"]).map(\.entity) == ["db01"])
        #expect(engine.evaluate(at: start, ["PRIORITY": "3", "_SYSTEMD_UNIT": unit]).count == 1)
        #expect(engine.evaluate(at: start, ["PRIORITY": "4", "_SYSTEMD_UNIT": unit]).isEmpty)
        #expect(engine.evaluate(at: start, ["PRIORITY": "x", "_SYSTEMD_UNIT": unit]).isEmpty, "not a number")
        #expect(engine.evaluate(at: start, ["PRIORITY": "2", "_SYSTEMD_UNIT": "nginx.service"]).isEmpty)
        #expect(engine.evaluate(at: start, ["_SYSTEMD_UNIT": unit]).isEmpty, "a missing field fails the condition")
    }
}
