import CanhModel
import Foundation
import Reports
import Rules
import TestSupport
import Testing

/// A province's worth of data (500 systems, 5,000 hosts, 45,000 finding states) through the
/// evaluation and every pure renderer. Speed is measured by benchmarks/collector-reports; this
/// checks that the figures hold together at that size.
@Suite struct LargeEstateTests {
    @Test func fiveHundredSystemsAndFiveThousandHosts() async throws {
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        #expect(loaded.problems.isEmpty)
        let now = Timestamp(iso8601: "2026-11-22T03:00:00Z") ?? Timestamp(secondsSinceEpoch: 0)
        var systems: [InformationSystem] = []
        var allHosts: [EnrolledHost] = []
        var facts: [ComplianceEvaluation.SystemFacts] = []
        for index in 0..<500 {
            let system = InformationSystem(
                id: "sys-\(index)", name: "Hệ thống \(index)", owner: "Sở \(index % 12)", level: Level.all[index % 5],
                dossier: index % 5 < 3 ? .approved : .none)
            systems.append(system)
            var hosts: [EnrolledHost] = []
            var findings: [FindingState] = []
            for hostIndex in 0..<10 {
                let hostname = "host-\(index)-\(hostIndex)"
                hosts.append(
                    EnrolledHost(
                        agentID: "agent-\(index)-\(hostIndex)", hostname: hostname, system: system.id, enrolledAt: now - .days(100),
                        lastSeen: hostIndex == 9 ? now - .days(7) : now - .minutes(1), status: hostIndex == 9 ? .stale : .active))
                for (offset, rule) in [
                    "ssh.config.root_login", "ssh.config.password_auth", "auth.password_policy.weak",
                    "auth.lockout.missing", "time.sync.disabled", "log.storage.volatile", "log.retention.insufficient",
                    "auth.ssh.bruteforce", "auth.sudo.failure",
                ].enumerated() {
                    let failing = (index + hostIndex + offset) % 4 == 0
                    findings.append(
                        FindingState(
                            fingerprint: "\(hostname)/\(rule)", rule: rule, entity: hostname, host: hostname, system: system.id,
                            severity: .medium, status: failing ? .open : .resolved, outcome: failing ? .fail : .pass, count: 1,
                            firstSeen: now - .days(10), lastSeen: now - .hours(1), requirements: [],
                            title: LocalizedText(vi: rule, en: rule),
                            evidence: "{}"))
                }
            }
            allHosts += hosts
            facts.append(.init(system: system, hosts: hosts, findings: findings, attestations: [], certificates: []))
        }
        let started = ContinuousClock.now
        let evaluation = ComplianceEvaluation(pack: loaded.pack, period: try ReportPeriod(parsing: "2026-H2"), now: now)
        // Seconds of computation in a debug build: on a thread of its own (see offThePool).
        let (report, htmlBytes, csv) = try await offThePool { [facts] in
            let report = evaluation.report(scope: nil, systems: facts)
            return (
                report, try ReportRenderer.render(report, format: .html, language: .vi),
                try ReportRenderer.render(report, format: .csv, language: .en)
            )
        }
        #expect(report.systems.count == 500)
        for system in report.systems {
            #expect(system.summary.total == loaded.pack.requirements.requirements.count { $0.levels.contains(system.system.level) })
        }
        #expect(report.systems.allSatisfy { $0.summary.fail > 0 }, "every system has open failures in this estate")
        let html = String(decoding: htmlBytes, as: UTF8.self)
        #expect(html.components(separatedBy: "<section class=\"system\"").count == 501)
        let rows = String(decoding: csv, as: UTF8.self).components(separatedBy: "\r\n").count
        #expect(rows == 8 + report.systems.reduce(0) { $0 + $1.requirements.count } + 1)
        let coverage = CoverageEvaluation(now: now, rulesVersion: loaded.pack.version)
            .report(
                systems: systems, hosts: allHosts, certificates: [],
                monitoring: MonitoringFacts(
                    period: ReportPeriod.halfYear(containing: now), reportingDays: [:], sentBySystem: [:], deadBySystem: [:], sent: 0))
        #expect((coverage.totals.systems, coverage.totals.approved, coverage.totals.monitored) == (500, 300, 500))
        #expect((coverage.hosts.total, coverage.hosts.stale) == (5000, 500))
        #expect(coverage.byOwner.count == 12)
        // Printed, not asserted: test machines are noisy; the target is checked by the benchmark.
        print("large estate: evaluated and rendered in \(ContinuousClock.now - started) (debug build)")
    }
}
