import Agent
import CanhModel
import CollectorClient
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// Alerts from a real `canh-collector serve` to real receivers on 127.0.0.1, across a crash.
@Suite struct AlertCommandLineTests {
    let collector = ProcessRunner.builtProduct("canh-collector")
    let receivers = ProcessRunner.repositoryRoot + "/Tests/TestSupport/alert_receivers.py"
    let python = "/usr/bin/python3"

    func record(rule: String, entity: String, at time: Timestamp) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: rule, entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: time.iso8601), fingerprint: fingerprint, rule: rule,
            outcome: .fail, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-03"], host: "web01", entity: entity,
            time: time, firstSeen: nil, count: 1, title: LocalizedText(vi: "Đăng nhập root", en: "Root login"), evidence: Evidence([]))
    }

    @Test(
        "an opened finding reaches a signed webhook, a SIEM over TLS and a mailbox once each; killed between commit and send, the collector sends it after restart, once; a dead alert is listed, retried and delivered"
    )
    func alertsFromARealCollector() async throws {
        let data = try TemporaryDirectory(prefix: "canh-alerts")
        let pki = try await TestPKI()
        let leaf = try await pki.issue("localhost", dns: ["localhost"], ips: ["127.0.0.1"])
        let (webhookOut, syslogOut, mailOut, pagerOut) = (
            data.file("webhook.jsonl"), data.file("syslog.jsonl"), data.file("mail.jsonl"), data.file("pager.jsonl")
        )
        let webhook = try await BackgroundServer(python, [receivers, "webhook", "{port}", webhookOut, "s3cret"])
        let siem = try await BackgroundServer(python, [receivers, "syslog", "{port}", syslogOut, leaf.certificate, leaf.key])
        let mail = try await BackgroundServer(
            python, [receivers, "smtp", "{port}", mailOut, leaf.certificate, leaf.key, "canh", "mật-khẩu"])
        // Nothing listens here until the dead-letter part of the test.
        let pagerPort = try FreePort.next()
        let estate = try await CollectorUnderTest(binary: collector, data: data)
        let port = estate.port
        func configuration(poll: String) throws -> String {
            let file = data.file("collector-\(poll).toml")
            try """
            [collector]
            data_dir = "\(data.file("collector"))"
            listen = "127.0.0.1:\(port)"

            [alerts]
            poll_interval = "\(poll)"
            attempts = 2
            retry_delay = "1s"

            [[alerts.channels]]
            name = "soc"
            type = "webhook"
            url = "http://127.0.0.1:\(webhook.port)/canh"
            secret = "s3cret"

            [[alerts.channels]]
            name = "siem"
            type = "syslog"
            address = "localhost:\(siem.port)"
            tls = true
            ca = "\(pki.caCertificate)"
            lang = "en"

            [[alerts.channels]]
            name = "so-tt"
            type = "email"
            smtp = "localhost:\(mail.port)"
            from = "canh@hungyen.gov.vn"
            to = ["attt@hungyen.gov.vn"]
            username = "canh"
            password = "mật-khẩu"
            ca = "\(pki.caCertificate)"
            lang = "vi"

            [[alerts.channels]]
            name = "pager"
            type = "webhook"
            url = "http://127.0.0.1:\(pagerPort)/page"
            secret = "s3cret"

            [[alerts.rules]]
            name = "opened"
            transitions = ["open"]
            channels = ["soc", "siem", "so-tt"]

            [[alerts.rules]]
            name = "auth-to-pager"
            rules = ["auth.*"]
            channels = ["pager"]
            """.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
        var server: BackgroundServer? = try await estate.serve(try configuration(poll: "1s"))
        try await estate.registerPortalAndEnroll()
        let run = estate.run
        let deliver = estate.deliver

        // 1. One opened finding: one message on each channel its rule names.
        try await deliver(record(rule: "ssh.config.root_login", entity: "web01", at: .now()))
        let hook = try #require(try await JSONLines.wait(for: 1, in: webhookOut).first)
        #expect(hook["signature_ok"] as? Bool == true)
        let body = try #require(hook["body"] as? [String: Any])
        #expect(body["transition"] as? String == "open")
        #expect(body["alert_rule"] as? String == "opened")
        #expect((body["finding"] as? [String: Any])?["entity"] as? String == "web01")
        let syslog = try #require(try await JSONLines.wait(for: 1, in: syslogOut).first)
        #expect(syslog["tls"] as? Bool == true)
        let structured = try #require((syslog["sd"] as? [String: Any])?["canh@32473"] as? [String: String])
        #expect(structured["rule"] == "ssh.config.root_login")
        #expect(structured["system"] == "hy-dvc")
        #expect(structured["host"] == "web01")
        #expect(structured["key"] == hook["key"] as? String, "one event, one key on every channel")
        let letter = try #require(try await JSONLines.wait(for: 1, in: mailOut).first)
        #expect(letter["tls"] as? Bool == true)
        #expect(letter["authenticated"] as? Bool == true)
        #expect(letter["subject"] as? String == "[Canh] Phát hiện mới: ssh.config.root_login (cao) trên hy-dvc, máy chủ web01")

        // 2. Killed after the batch is committed and before the next delivery pass (an hour away):
        //    nothing is sent; after a restart everything is, once.
        server = nil
        server = try await estate.serve(try configuration(poll: "1h"))
        try await deliver(record(rule: "auth.ssh.bruteforce", entity: "203.0.113.7", at: .now()))
        server = nil
        try await Task.sleep(for: .milliseconds(1500))
        #expect(JSONLines.count(webhookOut) == 1, "the killed collector sent nothing")
        server = try await estate.serve(try configuration(poll: "1s"))
        let hooks = try await JSONLines.wait(for: 2, in: webhookOut)
        #expect(try await JSONLines.wait(for: 2, in: syslogOut).count == 2)
        #expect(try await JSONLines.wait(for: 2, in: mailOut).count == 2)
        try await Task.sleep(for: .seconds(2))
        #expect(JSONLines.count(webhookOut) == 2, "the first alert is not sent again after the restart")
        #expect(JSONLines.count(syslogOut) == 2)
        #expect(JSONLines.count(mailOut) == 2)
        #expect(Set(hooks.compactMap { $0["key"] as? String }).count == 2)
        #expect(hooks.allSatisfy { $0["duplicate"] as? Bool == false })
        #expect((hooks.last?["body"] as? [String: Any]).flatMap { $0["rule"] as? String } == "auth.ssh.bruteforce")

        // 3. The pager channel never answered: after two attempts its alert is on the dead-letter
        //    list; once a receiver listens there, `alerts retry` delivers it.
        var dead = try await run(["alerts", "list", "--state", "dead"])
        for _ in 0..<100 where !dead.standardOutput.contains("pager") {
            try await Task.sleep(for: .milliseconds(100))
            dead = try await run(["alerts", "list", "--state", "dead"])
        }
        #expect(dead.standardOutput.contains("pager"), "\(dead.standardOutput)\(dead.standardError)")
        #expect(dead.standardOutput.contains("cannot connect to http://127.0.0.1:\(pagerPort)/page"))
        let pager = try await BackgroundServer(python, [receivers, "webhook", "{port}", pagerOut, "s3cret"], port: pagerPort)
        let retried = try await run(["alerts", "retry"])
        #expect(retried.standardOutput.contains("1 dead alert(s) queued again"), "\(retried.standardError)")
        #expect(try await JSONLines.wait(for: 1, in: pagerOut).first?["signature_ok"] as? Bool == true)
        let sent = try await run(["alerts", "list", "--state", "sent", "--format", "json"])
        #expect(sent.standardOutput.components(separatedBy: "\"state\" : \"sent\"").count - 1 == 7, "\(sent.standardOutput)")

        let admin = try CollectorClient(CollectorConnection(url: estate.url, caFile: data.file("collector/ca.pem"), token: estate.token))
        let metrics = try await admin.raw(.GET, "/metrics", body: nil).body
        await admin.shutdown()
        #expect(metrics.contains(#"canh_collector_alerts_total{channel="pager",result="failed"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"canh_collector_alerts_total{channel="pager",result="sent"} 1"#))
        #expect(metrics.contains(#"canh_collector_alerts_total{channel="soc",result="sent"} 1"#))
        #expect(metrics.contains("canh_collector_alerts_pending_messages 0"))
        _ = (server, pager)

        // `alerts test` sends through the configured channel from the command line.
        let tested = try await ProcessRunner.run(collector, ["alerts", "test", "siem", "--config", try configuration(poll: "1s")])
        #expect(tested.status == 0, "\(tested.standardError)")
        #expect(try await JSONLines.wait(for: 3, in: syslogOut).last?["msg"] as? String == "[Canh] Test alert for channel siem")
        let unknown = try await ProcessRunner.run(collector, ["alerts", "test", "sms", "--config", try configuration(poll: "1s")])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("no [[alerts.channels]] is called sms; known: soc, siem, so-tt, pager"))
    }

    @Test("killed after the receiver took a message and before it was marked sent, the collector sends it again with the same key")
    func crashAfterSendingBeforeMarking() async throws {
        let data = try TemporaryDirectory(prefix: "canh-alerts-in-flight")
        let out = data.file("webhook.jsonl")
        // Answers the first request only after 30 s: the collector is killed while it waits.
        let webhook = try await BackgroundServer(python, [receivers, "webhook", "{port}", out, "s3cret", "30"])
        let estate = try await CollectorUnderTest(binary: collector, data: data)
        let configuration = data.file("collector.toml")
        try """
        [collector]
        data_dir = "\(data.file("collector"))"
        listen = "127.0.0.1:\(estate.port)"

        [[alerts.channels]]
        name = "soc"
        type = "webhook"
        url = "http://127.0.0.1:\(webhook.port)/canh"
        secret = "s3cret"

        [[alerts.rules]]
        name = "opened"
        transitions = ["open"]
        channels = ["soc"]
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        var server: BackgroundServer? = try await estate.serve(configuration)
        try await estate.registerPortalAndEnroll()
        try await estate.deliver(record(rule: "auth.ssh.root_login", entity: "root", at: .now()))
        #expect(try await JSONLines.wait(for: 1, in: out).count == 1, "the receiver got the message")
        server = nil
        server = try await estate.serve(configuration)
        let deliveries = try await JSONLines.wait(for: 2, in: out)
        #expect(deliveries.count == 2, "sent again after the restart")
        #expect(Set(deliveries.compactMap { $0["key"] as? String }).count == 1, "with the same key")
        #expect(deliveries.last?["duplicate"] as? Bool == true, "which the receiver recognises as a repeat")
        var sent = try await estate.run(["alerts", "list", "--state", "sent"])
        for _ in 0..<50 where !sent.standardOutput.contains("soc") {
            try await Task.sleep(for: .milliseconds(100))
            sent = try await estate.run(["alerts", "list", "--state", "sent"])
        }
        #expect(sent.outputLines.count == 2, "one message, marked sent once: \(sent.standardOutput)")
        _ = server
    }
}

/// A collector's data directory, served by `canh-collector serve` processes that a test starts
/// and kills, with the portal registered and one agent (web01) enrolled.
struct CollectorUnderTest {
    let binary: String
    let data: TemporaryDirectory
    let port: Int
    let token: String
    var url: String { "https://127.0.0.1:\(port)" }
    var agentState: String { data.file("agent") }

    init(binary: String, data: TemporaryDirectory) async throws {
        self.binary = binary
        self.data = data
        let initialised = try await ProcessRunner.run(binary, ["init", "--data-dir", data.file("collector")])
        token = try #require(initialised.outputLines.last)
        port = try FreePort.next()
    }

    func serve(_ configuration: String) async throws -> BackgroundServer {
        try await BackgroundServer(binary, ["serve", "--config", configuration], port: port)
    }

    /// The CLI against the served collector, as an admin.
    func run(_ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(
            binary, arguments, environment: ["CANH_SERVER": url, "CANH_TOKEN": token, "CANH_CA": data.file("collector/ca.pem")])
    }

    func registerPortalAndEnroll() async throws {
        let added = try await run([
            "system", "add", "--id", "hy-dvc", "--name", "Cổng dịch vụ công", "--owner", "UBND tỉnh Hưng Yên", "--level", "3",
        ])
        #expect(added.status == 0, "\(added.standardError)")
        let enrollmentToken = try #require(try await run(["token", "create", "--system", "hy-dvc"]).outputLines.last)
        _ = try await Enrollment(collectorURL: url, caFile: data.file("collector/ca.pem"), stateDirectory: agentState)
            .enroll(token: enrollmentToken, hostname: "web01", agentVersion: "test", machineID: MachineIDs.fresh())
    }

    /// Delivers a record as the enrolled agent does (mutual TLS); returns once it is committed.
    func deliver(_ record: FindingRecord) async throws {
        let agent = try CollectorClient(
            CollectorConnection(
                url: url, caFile: agentState + "/collector-ca.pem", clientCertificateFile: agentState + "/agent.pem",
                clientKeyFile: agentState + "/agent.key"))
        _ = try await agent.deliver([record])
        await agent.shutdown()
    }
}
