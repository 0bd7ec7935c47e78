import Alerts
import CanhModel
import CollectorStore
import Foundation
import Logging
import Prometheus
import TestSupport
import Testing

@testable import AlertDelivery

/// The dispatcher over a real store, with a clock the test moves and a channel that records
/// what it is given (the channels themselves are tested against real receivers).
@Suite struct AlertDispatcherTests {
    let directory: TemporaryDirectory
    let store: SQLiteCollectorStore
    let clock = TestClock()
    let host = EnrolledHost(agentID: "agent-1", hostname: "web01", system: "hy-dvc", enrolledAt: .at("2026-11-22T00:00:00Z"))

    init() async throws {
        directory = try TemporaryDirectory()
        store = try SQLiteCollectorStore(
            path: directory.file("canh.sqlite"),
            alertRouting: AlertRouting(rules: [AlertRule(name: "all", transitions: [.opened, .hostStale], channels: ["soc"])]))
        try await store.addSystem(
            InformationSystem(id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2]))
        try await store.addHost(host)
    }

    func dispatcher(
        _ sender: RecordingSender, settings: AlertDeliverySettings = AlertDeliverySettings(), limitPerRule: Int = 5,
        guides: RuleGuideBook = RuleGuideBook()
    ) -> AlertDispatcher {
        let channel = AlertChannel(
            name: "soc", destination: .webhook(.init(url: "http://127.0.0.1:9/", secret: "s")), language: .en, limitPerRule: limitPerRule)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let clock = self.clock
        return AlertDispatcher(
            store: store, routes: ["soc": .init(channel: channel, sender: sender)], settings: settings, guides: guides,
            registry: PrometheusCollectorRegistry(), logger: logger, now: { clock.now })
    }

    /// Opens one finding per entity (each queues one alert). The events happened two days before
    /// they arrive (an agent catching up): throttle windows count from arrival.
    func open(_ entities: [String], rule: String = "auth.ssh.bruteforce") async throws {
        let records = entities.map { entity in
            let fingerprint = FindingRecord.fingerprint(host: "web01", rule: rule, entity: entity)
            return FindingRecord(
                id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: clock.now.iso8601), fingerprint: fingerprint,
                rule: rule, outcome: .fail, severity: .high, level: Level.all[2], requirements: [], host: "web01", entity: entity,
                time: clock.now - .days(2), firstSeen: nil, count: 1, title: LocalizedText(vi: "Dò mật khẩu", en: "Brute force"),
                evidence: Evidence([]))
        }
        _ = try await store.ingest(records, from: host, at: clock.now)
    }

    @Test("over the per-rule limit, alerts wait for a digest: \"8 more findings of R on S in the last 10 minutes\"")
    func throttlingFoldsIntoADigest() async throws {
        let sender = RecordingSender()
        let dispatcher = dispatcher(sender, limitPerRule: 2)
        try await open((1...10).map { "203.0.113.\($0)" })
        await dispatcher.deliverDue()
        #expect(sender.messages.count == 2)
        #expect(try await store.alertCounts()[.suppressed] == 8)
        clock.advance(.minutes(5))
        await dispatcher.deliverDue()
        #expect(sender.messages.count == 2, "the window has not ended")
        clock.advance(.minutes(6))
        await dispatcher.deliverDue()
        let digest = try #require(sender.messages.last)
        #expect(digest.kind == .digest)
        #expect(digest.digest?.count == 8)
        #expect(digest.text(.en).subject == "[Canh] 8 more findings of auth.ssh.bruteforce on hy-dvc in the last 10 minutes")
        #expect(digest.text(.vi).subject == "[Canh] Thêm 8 phát hiện auth.ssh.bruteforce trên hy-dvc trong 10 phút qua")
        #expect(try await store.alertCounts()[.digested] == 8)
        // Another rule on the same system has its own allowance.
        try await open(["root"], rule: "auth.ssh.root_login")
        await dispatcher.deliverDue()
        #expect(sender.messages.last?.rule == "auth.ssh.root_login")
    }

    @Test("every message says what to do, from the newest pack the collector knows: e-mail body, webhook JSON, syslog data")
    func remediationTravelsWithTheAlert() async throws {
        let sender = RecordingSender()
        let guides = RuleGuideBook([
            "auth.ssh.bruteforce": RuleGuidance(
                remediation: LocalizedText(vi: "Chặn địa chỉ \"nguồn\"] bằng fail2ban.", en: "Block the \"source\"] with fail2ban."),
                references: ["https://man.openbsd.org/sshd_config#MaxAuthTries"])
        ])
        // A newer published pack changes the text; the next message carries the new one.
        guides.overlay(
            [
                "auth.ssh.bruteforce": RuleGuidance(
                    remediation: LocalizedText(vi: "Chặn nguồn bằng nftables.", en: "Block the source with nftables."),
                    references: ["https://wiki.nftables.org/"])
            ], version: "2026.12.1")
        try await open(["203.0.113.9"])
        await dispatcher(sender, guides: guides).deliverDue()
        let message = try #require(sender.messages.first)
        #expect(message.guidance?.remediation.en == "Block the source with nftables.")
        #expect(message.text(.en).body.contains("What to do: Block the source with nftables.\n  https://wiki.nftables.org/\n"))
        #expect(message.text(.vi).body.contains("Khắc phục: Chặn nguồn bằng nftables."))
        let webhook = String(decoding: try WebhookSender.body(of: message), as: UTF8.self)
        #expect(
            webhook.contains(
                #""guidance":{"references":["https://wiki.nftables.org/"],"remediation":{"en":"Block the source with nftables.","vi":"Chặn nguồn bằng nftables."}}"#
            ), "\(webhook)")
        let syslog = SyslogFormat(hostname: "canh").line(for: message)
        #expect(syslog.contains(#"remediation="Block the source with nftables." reference="https://wiki.nftables.org/""#), "\(syslog)")
        // A rule the collector has no guidance for sends as before; text that needs escaping is escaped.
        guides.overlay(
            ["auth.ssh.root_login": RuleGuidance(remediation: LocalizedText(vi: "x", en: "Say \"no\"] to root."))], version: "2026.12.2")
        try await open(["root"], rule: "auth.ssh.root_login")
        try await open(["u1"], rule: "auth.sudo.failure")
        await dispatcher(sender, guides: guides).deliverDue()
        let root = try #require(sender.messages.first { $0.rule == "auth.ssh.root_login" })
        #expect(SyslogFormat(hostname: "canh").line(for: root).contains(#"remediation="Say \"no\"\] to root.""#))
        #expect(sender.messages.first { $0.rule == "auth.sudo.failure" }?.guidance == nil)
    }

    @Test("a maintenance window holds a system's alerts back; they go out when it ends, saying so")
    func maintenanceWindowHoldsBack() async throws {
        let sender = RecordingSender()
        var settings = AlertDeliverySettings()
        let window = MaintenanceWindow(
            system: "hy-dvc", from: clock.now - .minutes(1), until: clock.now + .hours(2), reason: "nâng cấp hệ điều hành")
        settings.maintenance = [window]
        let dispatcher = dispatcher(sender, settings: settings)
        try await open(["203.0.113.7"])
        await dispatcher.deliverDue()
        #expect(sender.messages.isEmpty)
        #expect(try await store.queuedAlerts(state: .pending, limit: 10).first?.nextAttemptAt == window.until)
        clock.advance(.hours(2))
        await dispatcher.deliverDue()
        let held = try #require(sender.messages.first)
        #expect(held.heldBack == window)
        #expect(held.text(.en).body.contains("Held back during the maintenance window from 2026-11-22 06:59:00 (UTC+7)"))
        #expect(held.text(.vi).body.contains("Được giữ lại trong thời gian bảo trì"))
    }

    @Test("a failing channel is retried with doubling delays, then the message is dead until retried")
    func retriesThenDeadLetter() async throws {
        let sender = RecordingSender(failures: 3)
        var settings = AlertDeliverySettings()
        settings.attempts = 3
        settings.retryDelay = .seconds(10)
        #expect(settings.retryTime(after: 1, at: clock.now) == clock.now + .seconds(10))
        #expect(settings.retryTime(after: 2, at: clock.now) == clock.now + .seconds(20))
        #expect(settings.retryTime(after: 3, at: clock.now) == nil)
        let dispatcher = dispatcher(sender, settings: settings)
        try await open(["203.0.113.7"])
        await dispatcher.deliverDue()
        clock.advance(.seconds(5))
        await dispatcher.deliverDue()
        #expect(sender.attempts == 1, "not due before its retry time")
        clock.advance(.seconds(5))
        await dispatcher.deliverDue()
        clock.advance(.seconds(20))
        await dispatcher.deliverDue()
        #expect(sender.attempts == 3)
        let dead = try await store.queuedAlerts(state: .dead, limit: 10)
        #expect(dead.count == 1)
        #expect(dead.first?.lastError == "cannot connect to soc: refused")
        #expect(try await store.retryAlerts(ids: [], at: clock.now) == 1)
        await dispatcher.deliverDue()
        #expect(sender.messages.count == 1)
        #expect(try await store.queuedAlerts(state: .sent, limit: 10).first?.attempts == 1)
    }

    @Test("a channel that is down costs one attempt per pass; the other messages wait untried")
    func oneFailurePerChannelPass() async throws {
        let sender = RecordingSender(failures: 100)
        let dispatcher = dispatcher(sender)
        try await open(["203.0.113.7", "203.0.113.8", "203.0.113.9"])
        await dispatcher.deliverDue()
        #expect(sender.attempts == 1)
        let pending = try await store.queuedAlerts(state: .pending, limit: 10)
        #expect(pending.map(\.attempts).sorted() == [0, 0, 1])
    }

    @Test("a queued message that cannot be read fails alone; the messages after it are still delivered")
    func unreadableMessageFailsAlone() async throws {
        let sender = RecordingSender()
        let dispatcher = dispatcher(sender)
        try await open(["203.0.113.7", "203.0.113.8"])
        // A damaged row, written behind the store's back: the first message is no longer JSON.
        let damage = try await ProcessRunner.run(
            "/usr/bin/python3",
            [
                "-c",
                "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                    + "db.execute(\"UPDATE alert_outbox SET message = '{broken' WHERE id = (SELECT min(id) FROM alert_outbox)\"); db.commit()",
                directory.file("canh.sqlite"),
            ])
        #expect(damage.status == 0, "\(damage.standardError)")
        await dispatcher.deliverDue()
        #expect(sender.messages.isEmpty, "the first failure ends the channel's pass")
        await dispatcher.deliverDue()
        #expect(sender.messages.map { $0.finding?.entity } == ["203.0.113.8"])
        #expect(try await store.alertCounts([.pending])[.pending] == 1, "the damaged one waits for its retry")
    }

    @Test("a host silent for three heartbeats alerts once per silence")
    func staleHostAlertsOnce() async throws {
        let sender = RecordingSender()
        try await store.recordHeartbeat(agentID: "agent-1", agentVersion: "1", rulesVersion: "1", at: clock.now)
        let dispatcher = dispatcher(sender)
        clock.advance(.seconds(179))
        #expect(try await store.queueStaleHostAlerts(staleAfter: .seconds(180), at: clock.now) == 0)
        clock.advance(.seconds(2))
        #expect(try await store.queueStaleHostAlerts(staleAfter: .seconds(180), at: clock.now) == 1)
        #expect(try await store.queueStaleHostAlerts(staleAfter: .seconds(180), at: clock.now + .minutes(5)) == 0)
        await dispatcher.deliverDue()
        let stale = try #require(sender.messages.first)
        #expect(stale.transition == .hostStale)
        #expect(stale.rule == "host.stale")
        #expect(stale.text(.en).subject == "[Canh] Host stopped reporting: host.stale (medium) on hy-dvc, host web01")
        // Heard from again, then silent again: a new silence, a new alert.
        try await store.recordHeartbeat(agentID: "agent-1", agentVersion: "1", rulesVersion: "1", at: clock.now)
        clock.advance(.minutes(4))
        #expect(try await store.queueStaleHostAlerts(staleAfter: .seconds(180), at: clock.now) == 1)
    }
}

/// A channel that records what it is given and fails the first `failures` times.
final class RecordingSender: AlertSender, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [AlertMessage] = []
    private var tries = 0
    private let failures: Int

    init(failures: Int = 0) { self.failures = failures }

    var messages: [AlertMessage] { lock.withLock { received } }
    var attempts: Int { lock.withLock { tries } }

    func send(_ message: AlertMessage) async throws(DeliveryError) {
        let fail = lock.withLock {
            tries += 1
            return tries <= failures
        }
        if fail { throw .unreachable("soc", "refused") }
        lock.withLock { received.append(message) }
    }
}
