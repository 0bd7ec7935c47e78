import AlertDelivery
import Alerts
import CanhModel
import Foundation
import TestSupport
import Testing

/// Each channel against a real receiver on 127.0.0.1 (Tests/TestSupport/alert_receivers.py):
/// an HTTP server that checks the signature, a syslog listener that parses RFC 5424 (plain and
/// TLS), and aiosmtpd requiring STARTTLS and AUTH.
@Suite struct AlertChannelTests {
    let receivers = ProcessRunner.repositoryRoot + "/Tests/TestSupport/alert_receivers.py"
    let directory: TemporaryDirectory
    let message: AlertMessage

    init() throws {
        directory = try TemporaryDirectory(prefix: "canh-alert-channels")
        let finding = FindingState(
            fingerprint: "f1", rule: "auth.ssh.bruteforce", entity: "203.0.113.7 \"quoted\" ]", host: "web01", system: "hy-dvc",
            severity: .high, status: .open, outcome: .fail, count: 37, firstSeen: .at("2026-11-22T03:00:00Z"),
            lastSeen: .at("2026-11-22T03:10:00Z"), requirements: ["ND85-SRV-AUTH-03"],
            title: LocalizedText(vi: "Dò mật khẩu SSH", en: "SSH brute force"), evidence: "{\"failures\":37}")
        message = AlertMessage(
            key: "k-123", transition: .opened, alertRule: "soc", at: .at("2026-11-22T03:10:05Z"),
            system: InformationSystem(id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2]),
            host: "web01", rule: "auth.ssh.bruteforce", severity: .high, finding: finding)
    }

    func localhostCertificate() async throws -> (pki: TestPKI, leaf: TestPKI.Leaf) {
        let pki = try await TestPKI()
        return (pki, try await pki.issue("localhost", dns: ["localhost"], ips: ["127.0.0.1"]))
    }

    @Test("webhook: the JSON body signed with the channel's secret; a wrong secret is refused with the receiver's answer")
    func webhook() async throws {
        let out = directory.file("webhook.jsonl")
        let server = try await BackgroundServer("/usr/bin/python3", [receivers, "webhook", "{port}", out, "s3cret"])
        let channel = AlertChannel(name: "soc", destination: .webhook(.init(url: "http://127.0.0.1:\(server.port)/canh", secret: "s3cret")))
        try await channel.sender(hostname: "collector").send(message)
        let delivered = try #require(try await JSONLines.wait(for: 1, in: out, seconds: 10).first)
        #expect(delivered["signature_ok"] as? Bool == true)
        #expect(delivered["key"] as? String == "k-123")
        let body = try #require(delivered["body"] as? [String: Any])
        #expect(body["transition"] as? String == "open")
        #expect((body["finding"] as? [String: Any])?["rule"] as? String == "auth.ssh.bruteforce")
        #expect((body["system"] as? [String: Any])?["owner"] as? String == "UBND tỉnh Hưng Yên")

        let forged = AlertChannel(name: "soc", destination: .webhook(.init(url: "http://127.0.0.1:\(server.port)/canh", secret: "wrong")))
        await #expect(throws: DeliveryError.refused("http://127.0.0.1:\(server.port)/canh", "HTTP 401 bad signature")) {
            try await forged.sender(hostname: "collector").send(message)
        }
    }

    @Test("syslog: RFC 5424 with structured data a SIEM filters on, over TCP and over TLS; a CA that did not sign the SIEM is refused")
    func syslog() async throws {
        let (siemPKI, leaf) = try await localhostCertificate()
        let plainOut = directory.file("syslog.jsonl")
        let plain = try await BackgroundServer("/usr/bin/python3", [receivers, "syslog", "{port}", plainOut])
        let tlsOut = directory.file("syslog-tls.jsonl")
        let tls = try await BackgroundServer("/usr/bin/python3", [receivers, "syslog", "{port}", tlsOut, leaf.certificate, leaf.key])
        let pki = try await TestPKI()
        for (port, useTLS, out) in [(plain.port, false, plainOut), (tls.port, true, tlsOut)] {
            let configured = AlertChannel(
                name: "siem",
                destination: .syslog(.init(host: "localhost", port: port, tls: useTLS, caFile: useTLS ? siemPKI.caCertificate : nil)),
                language: .en)
            try await configured.sender(hostname: "canh-collector-01").send(message)
            let entry = try #require(try await JSONLines.wait(for: 1, in: out, seconds: 10).first)
            #expect(entry["tls"] as? Bool == useTLS)
            #expect(entry["facility"] as? Int == 16)
            #expect(entry["severity"] as? Int == 3, "high is err")
            #expect(entry["msgid"] as? String == "open")
            #expect(entry["hostname"] as? String == "canh-collector-01")
            #expect(entry["bom"] as? Bool == true)
            #expect(entry["msg"] as? String == "[Canh] New finding: auth.ssh.bruteforce (high) on hy-dvc, host web01")
            let data = try #require((entry["sd"] as? [String: Any])?["canh@32473"] as? [String: String])
            #expect(data["rule"] == "auth.ssh.bruteforce")
            #expect(data["severity"] == "high")
            #expect(data["system"] == "hy-dvc")
            #expect(data["host"] == "web01")
            #expect(data["entity"] == "203.0.113.7 \"quoted\" ]", "escaped on the wire, whole when parsed")
            #expect(data["key"] == "k-123")
        }
        let untrusted = AlertChannel(
            name: "siem", destination: .syslog(.init(host: "localhost", port: tls.port, tls: true, caFile: pki.caCertificate)))
        do {
            try await untrusted.sender(hostname: "c").send(message)
            Issue.record("a SIEM certificate from another CA was accepted")
        } catch {
            #expect(error.description.contains("TLS with localhost:\(tls.port) failed"), "\(error)")
            #expect(error.description.contains("is not signed by the CA in the channel's `ca`"), "\(error)")
        }
        #expect(
            try await JSONLines.wait(for: 1, in: tlsOut, seconds: 10).count == 1, "nothing reached the SIEM over the refused connection")
    }

    @Test("e-mail: STARTTLS, AUTH PLAIN, a Vietnamese subject and body; a wrong password is the server's refusal")
    func email() async throws {
        let (mailPKI, leaf) = try await localhostCertificate()
        let out = directory.file("mail.jsonl")
        let server = try await BackgroundServer(
            "/usr/bin/python3", [receivers, "smtp", "{port}", out, leaf.certificate, leaf.key, "canh", "mật-khẩu"])
        func channel(password: String) -> AlertChannel {
            AlertChannel(
                name: "so-tt",
                destination: .email(
                    .init(
                        host: "localhost", port: server.port, from: "canh@hungyen.gov.vn",
                        to: ["attt@hungyen.gov.vn", "soc@hungyen.gov.vn"],
                        username: "canh", password: password, caFile: mailPKI.caCertificate)), language: .vi)
        }
        try await Self.sendAllowingStarvation(channel(password: "mật-khẩu"), message)
        let mail = try #require(try await JSONLines.wait(for: 1, in: out, seconds: 10).first)
        #expect(mail["tls"] as? Bool == true)
        #expect(mail["authenticated"] as? Bool == true)
        #expect(mail["rcpt_tos"] as? [String] == ["attt@hungyen.gov.vn", "soc@hungyen.gov.vn"])
        #expect(mail["subject"] as? String == "[Canh] Phát hiện mới: auth.ssh.bruteforce (cao) trên hy-dvc, máy chủ web01")
        #expect(mail["key"] as? String == "k-123")
        #expect(mail["message_id"] as? String == "<k-123@canh>")
        let body = try #require(mail["body"] as? String)
        #expect(body.contains("Hệ thống: hy-dvc — Cổng dịch vụ công (UBND tỉnh Hưng Yên, cấp độ 3)"))
        #expect(body.contains("Phát hiện: Dò mật khẩu SSH"))
        #expect(body.contains("ghi nhận 37 lần"))

        do {
            try await Self.sendAllowingStarvation(channel(password: "sai"), message)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect("\(error)".contains("refused the message: \"535"), "\(error)")
            #expect("\(error)".contains("after AUTH PLAIN …"), "the password is not repeated in the error")
        }
    }

    /// Sends once more when the exchange ran out of time: with every suite running, two cores
    /// shared by collectors, agents and PostgreSQL can leave the Python mail server slower than a
    /// sender's 30 seconds, which says nothing about the protocol under test (the dispatcher
    /// retries such failures too).
    static func sendAllowingStarvation(_ channel: AlertChannel, _ message: AlertMessage) async throws {
        var attempt = 1
        while true {
            do {
                return try await channel.sender(hostname: "collector").send(message)
            } catch {
                guard attempt < 3, "\(error)".hasSuffix("did not answer in time") else { throw error }
                attempt += 1
            }
        }
    }
}
