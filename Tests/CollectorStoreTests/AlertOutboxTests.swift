import Alerts
import CanhModel
import CollectorStore
import Foundation
import TestSupport
import Testing

/// Alerts are queued in the store's outbox in the transaction of the change that causes them:
/// once per (event, channel), whatever is re-sent.
struct AlertOutboxCases {
    let directory: TemporaryDirectory
    let store: any CollectorStore
    let host = EnrolledHost(agentID: "agent-1", hostname: "web01", system: "hy-dvc", enrolledAt: .at("2026-11-01T00:00:00Z"))

    init(_ kind: StoreKind) async throws {
        directory = try TemporaryDirectory()
        let routing = AlertRouting(rules: [
            AlertRule(name: "high", minimumSeverity: .high, rulePatterns: ["ssh.*"], channels: ["soc", "siem"]),
            AlertRule(name: "resolutions", transitions: [.resolved], channels: ["siem"]),
        ])
        store = try await kind.makeStore(in: directory, alertRouting: routing)
        try await store.addSystem(
            InformationSystem(id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2]))
        try await store.addHost(host)
    }

    func record(_ outcome: Outcome, severity: Severity = .high, rule: String = "ssh.config.root_login", at time: String) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: rule, entity: "web01")
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time), fingerprint: fingerprint, rule: rule,
            outcome: outcome, severity: severity, level: Level.all[2], requirements: [], host: "web01", entity: "web01", time: .at(time),
            firstSeen: nil, count: 1, title: LocalizedText(vi: "Root", en: "Root"), evidence: Evidence([]))
    }

    func queued() async throws -> [String] {
        try await store.queuedAlerts(state: nil, limit: 100).reversed().map {
            "\($0.message.transition?.rawValue ?? $0.message.kind.rawValue)→\($0.channel)"
        }
    }

    func eachTransitionQueuesOnceForEachChannelOfTheRulesItMatches() async throws {
        let opened = record(.fail, severity: .medium, at: "2026-11-22T01:00:00Z")
        _ = try await store.ingest([opened], from: host, at: .at("2026-11-22T01:00:05Z"))
        #expect(try await queued() == [], "medium is below the rule's minimum; opening alerts no one else")
        _ = try await store.ingest([record(.fail, at: "2026-11-22T02:00:00Z")], from: host, at: .at("2026-11-22T02:00:05Z"))
        #expect(try await queued() == ["severity_raised→soc", "severity_raised→siem"])
        // The same batch again (an agent re-sending after a lost acknowledgement): nothing new.
        _ = try await store.ingest([record(.fail, at: "2026-11-22T02:00:00Z")], from: host, at: .at("2026-11-22T02:01:00Z"))
        #expect(try await queued().count == 2)
        _ = try await store.ingest([record(.pass, at: "2026-11-22T03:00:00Z")], from: host, at: .at("2026-11-22T03:00:05Z"))
        _ = try await store.ingest([record(.fail, at: "2026-11-22T04:00:00Z")], from: host, at: .at("2026-11-22T04:00:05Z"))
        #expect(
            try await queued() == [
                "severity_raised→soc", "severity_raised→siem", "resolved→soc", "resolved→siem", "reopened→soc", "reopened→siem",
            ])
        let fingerprint = opened.fingerprint
        _ = try await store.changeFinding(
            FindingChange(fingerprint: fingerprint, status: .resolved, reason: "fixed", actor: "user:lan", at: .at("2026-11-22T05:00:00Z")))
        let all = try await store.queuedAlerts(state: .pending, limit: 100)
        #expect(all.first?.message.transition == .resolved)
        #expect(all.first?.message.finding?.status == .resolved)
        #expect(all.first?.message.system.owner == "UBND tỉnh Hưng Yên")
        // The "high" rule has no transition filter, so it takes the resolution to both its channels first.
        #expect(all.prefix(2).map(\.message.alertRule) == ["high", "high"])
        #expect(all.allSatisfy { $0.state == .pending && $0.attempts == 0 })
        // One key per event, the same on every channel.
        #expect(Set(all.filter { $0.message.transition == .reopened }.map(\.message.key)).count == 1)
    }

    func aNewFindingOpensAndIsQueuedAtOnce() async throws {
        _ = try await store.ingest(
            [record(.fail, rule: "ssh.config.password_auth", at: "2026-11-22T01:00:00Z")], from: host, at: .at("2026-11-22T01:00:01Z"))
        #expect(try await queued() == ["open→soc", "open→siem"])
        // A medium finding resolved: only the rule for resolutions takes it.
        _ = try await store.ingest(
            [record(.fail, severity: .medium, rule: "time.sync.disabled", at: "2026-11-22T01:00:00Z")], from: host,
            at: .at("2026-11-22T01:00:01Z"))
        _ = try await store.ingest(
            [record(.pass, severity: .medium, rule: "time.sync.disabled", at: "2026-11-22T02:00:00Z")], from: host,
            at: .at("2026-11-22T02:00:01Z"))
        let resolved = try await store.queuedAlerts(state: nil, limit: 1)
        #expect(resolved.map(\.channel) == ["siem"])
        #expect(resolved.map(\.message.alertRule) == ["resolutions"])
        _ = try await store.ingest(
            [record(.fail, rule: "tls.cert.expired", at: "2026-11-22T01:00:00Z")], from: host, at: .at("2026-11-22T01:00:01Z"))
        #expect(try await queued().count == 3, "no rule takes tls.*")
    }
}

@Suite struct AlertOutboxTests {
    @Test(arguments: StoreKind.allCases) func eachTransitionQueuesOnceForEachChannelOfTheRulesItMatches(_ kind: StoreKind) async throws {
        try await AlertOutboxCases(kind).eachTransitionQueuesOnceForEachChannelOfTheRulesItMatches()
    }
    @Test(arguments: StoreKind.allCases) func aNewFindingOpensAndIsQueuedAtOnce(_ kind: StoreKind) async throws {
        try await AlertOutboxCases(kind).aNewFindingOpensAndIsQueuedAtOnce()
    }
}
