import Alerts
import CanhModel
import CollectorStore
import TestSupport
import Testing

/// The ingest decisions without a database: what every store writes for a batch.
@Suite struct IngestPlanTests {
    let host = EnrolledHost(agentID: "agent-1", hostname: "web01", system: "hy-dvc", enrolledAt: .at("2026-11-01T00:00:00Z"))
    let system = InformationSystem(id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2])
    let routing = AlertRouting(rules: [AlertRule(name: "all", channels: ["soc"])])

    func record(_ outcome: Outcome, entity: String = "web01", at time: String, count: Int = 1) -> IngestRecord {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "ssh.config.root_login", entity: entity)
        return IngestRecord(
            FindingRecord(
                id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time), fingerprint: fingerprint,
                rule: "ssh.config.root_login", outcome: outcome, severity: .high, level: Level.all[2], requirements: ["ND85-TECH-1"],
                host: "web01", entity: entity, time: .at(time), firstSeen: nil, count: count, title: LocalizedText(vi: "Tên", en: "Name"),
                evidence: Evidence([])))
    }

    @Test("a finding opened and resolved in one batch is written once, in its final state, with both transitions and both alerts")
    func foldsWithinBatch() throws {
        let plan = try IngestPlan(
            [record(.fail, at: "2026-12-01T01:00:00Z", count: 3), record(.pass, at: "2026-12-01T02:00:00Z")], prior: [:], host: host,
            system: system, routing: routing, ruleTitles: ["ssh.config.root_login": LocalizedText(vi: "Đăng nhập root", en: "Root login")],
            at: .at("2026-12-01T03:00:00Z"))
        #expect(plan.findings.count == 1)
        let finding = try #require(plan.findings.first)
        #expect(finding.id == nil)
        #expect(finding.state.status == .resolved)
        #expect(finding.state.count == 3)
        // The collector's title, never the record's.
        #expect(finding.state.title.en == "Root login")
        #expect(
            plan.transitions.map { "\($0.finding) \($0.transition.from?.rawValue ?? "-")→\($0.transition.to.rawValue)" } == [
                "0 -→open", "0 open→resolved",
            ])
        #expect(plan.alerts.count == 2)
        #expect(plan.alerts.allSatisfy { $0.channel == "soc" && $0.queuedAt == .at("2026-12-01T03:00:00Z") })
        // The new finding is tallied as it ends the batch.
        #expect(plan.newTallies.count == 1)
        #expect(plan.newTallies.first?.key.status == .resolved)
    }

    @Test("a stored finding is updated, not counted again; a late record adds its count and changes nothing else")
    func priorStates() throws {
        let first = try IngestPlan(
            [record(.fail, at: "2026-12-01T05:00:00Z")], prior: [:], host: host, system: nil, routing: AlertRouting(rules: []),
            ruleTitles: [:], at: .at("2026-12-01T05:00:00Z"))
        let stored = try #require(first.findings.first?.state)
        #expect(first.alerts.isEmpty)
        let late = try IngestPlan(
            [record(.pass, at: "2026-12-01T04:00:00Z"), record(.fail, entity: "other", at: "2026-12-01T06:00:00Z")],
            prior: [stored.fingerprint: (stored, 42)], host: host, system: system, routing: routing, ruleTitles: [:],
            at: .at("2026-12-01T06:00:00Z"))
        #expect(late.findings.map(\.id) == [42, nil])
        #expect(late.findings.first?.state.status == .open)
        #expect(late.findings.first?.state.lastSeen == .at("2026-12-01T05:00:00Z"))
        #expect(late.transitions.count == 1)
        #expect(late.newTallies.values.reduce(0, +) == 1)
        // A rule the collector does not know is shown by its id.
        #expect(late.findings.last?.state.title.en == "ssh.config.root_login")
    }

    @Test("with alerts routed but the system unknown, nothing is queued")
    func unknownSystem() throws {
        let plan = try IngestPlan(
            [record(.fail, at: "2026-12-01T01:00:00Z")], prior: [:], host: host, system: nil, routing: routing, ruleTitles: [:],
            at: .at("2026-12-01T01:00:00Z"))
        #expect(plan.transitions.count == 1)
        #expect(plan.alerts.isEmpty)
    }

    @Test("one silence is one alert however often the sweep runs: the event time is when the host went stale")
    func staleHosts() throws {
        var silent = host
        silent.lastSeen = .at("2026-12-01T00:00:00Z")
        let early = try AlertSweeps.staleHostAlerts(
            [silent], systems: ["hy-dvc": system], routing: routing, staleAfter: .seconds(180), at: .at("2026-12-01T00:10:00Z"))
        let later = try AlertSweeps.staleHostAlerts(
            [silent], systems: ["hy-dvc": system], routing: routing, staleAfter: .seconds(180), at: .at("2026-12-01T05:00:00Z"))
        #expect(early.first?.entries.count == 1)
        #expect(early.first?.entries.map(\.key) == later.first?.entries.map(\.key))
        #expect(!AlertSweeps.watchesStaleHosts(AlertRouting(rules: [AlertRule(name: "r", transitions: [.opened], channels: ["soc"])])))
    }
}
