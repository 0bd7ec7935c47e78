import CanhModel
import Reports
import Testing

/// Indicators 19 and 20 of plan 155/KH-UBND as the plan defines them, on values.
@Suite struct PlanIndicatorsTests {
    static let now = Timestamp(iso8601: "2026-07-10T05:00:00Z") ?? Timestamp(secondsSinceEpoch: 0)
    static let period = (try? ReportPeriod(parsing: "2026-H2")) ?? ReportPeriod.halfYear(containing: now)
    /// 1 July 2026 in Vietnam, as days since 1970.
    static let july1: Int64 = 20_635

    static func system(_ change: (inout InformationSystem) -> Void = { _ in }) -> InformationSystem {
        var system = InformationSystem(id: "hy-dvc", name: "Cổng", owner: "UBND", level: Level(rawValue: 3) ?? .lowest)
        change(&system)
        return system
    }

    static func host(_ id: String, enrolled: String = "2026-01-01T00:00:00Z", status: EnrolledHost.Status = .active) -> EnrolledHost {
        EnrolledHost(
            agentID: id, hostname: id, system: "hy-dvc", enrolledAt: Timestamp(iso8601: enrolled) ?? now, lastSeen: now, status: status)
    }

    static func facts(_ days: [String: [Int64]], sent: [String: Int] = ["hy-dvc": 1], dead: [String: Int] = [:], total: Int = 1)
        -> MonitoringFacts
    {
        MonitoringFacts(
            period: period, reportingDays: days.mapValues { Set($0.map { july1 + $0 }) }, sentBySystem: sent, deadBySystem: dead,
            sent: total)
    }

    @Test("indicator 19: approved before going into use and the plan fully carried out; each failing part is named")
    func indicator19() {
        func judge(_ change: (inout InformationSystem) -> Void) -> PlanIndicators {
            PlanIndicators(system: Self.system(change), hosts: [], facts: Self.facts([:]), now: Self.now)
        }
        let met = judge {
            $0.dossier = .approved
            $0.decisionNumber = "1"
            $0.decisionDate = "2019-01-10"
            $0.goLive = "2019-05-01"
            $0.plan = .full
        }
        #expect(met.dossier == .approvedBeforeGoLive && met.indicator19)
        let late = judge {
            $0.dossier = .approved
            $0.decisionNumber = "1"
            $0.decisionDate = "2025-06-30"
            $0.goLive = "2019-05-01"
            $0.plan = .full
        }
        #expect(late.dossier == .approvedAfterGoLive && !late.indicator19)
        let partial = judge {
            $0.dossier = .approved
            $0.decisionNumber = "1"
            $0.decisionDate = "2019-01-10"
            $0.goLive = "2019-05-01"
            $0.plan = .partial
        }
        #expect(partial.dossier == .approvedBeforeGoLive && !partial.planFull && !partial.indicator19)
        let undated = judge {
            $0.dossier = .approved
            $0.decisionNumber = "1"
            $0.plan = .full
        }
        #expect(undated.dossier == .datesUnknown && !undated.indicator19)
        #expect(judge { $0.dossier = .appraised }.dossier == .notApproved)
    }

    @Test("indicator 20: every host enrolled by then reported on every day of the period so far, and alerts were delivered")
    func indicator20() {
        let everyDay = Array(0...9) as [Int64]
        func judge(
            hosts: [EnrolledHost] = [Self.host("a"), Self.host("b")], days: [String: [Int64]], sent: [String: Int] = ["hy-dvc": 1],
            dead: [String: Int] = [:], total: Int = 1, system: InformationSystem = Self.system()
        ) -> PlanIndicators {
            PlanIndicators(system: system, hosts: hosts, facts: Self.facts(days, sent: sent, dead: dead, total: total), now: Self.now)
        }
        let monitored = judge(days: ["a": everyDay, "b": everyDay])
        #expect((monitored.days, monitored.daysCovered, monitored.indicator20) == (10, 10, true))
        let missedDay = judge(days: ["a": everyDay, "b": everyDay.filter { $0 != 4 }])
        #expect((missedDay.daysCovered, missedDay.indicator20) == (9, false))
        // A host enrolled on 3 July is expected from that day on.
        let late = judge(
            hosts: [Self.host("a"), Self.host("b", enrolled: "2026-07-03T02:00:00Z")], days: ["a": everyDay, "b": Array(2...9)])
        #expect((late.daysCovered, late.indicator20) == (10, true))
        // A revoked host no longer counts.
        #expect(judge(hosts: [Self.host("a"), Self.host("b", status: .revoked)], days: ["a": everyDay]).indicator20)
        // Alerted: its alerts were sent and none died, or it had none while the channels delivered others.
        #expect(judge(days: ["a": everyDay, "b": everyDay], sent: [:], total: 4).alerted)
        #expect(!judge(days: ["a": everyDay, "b": everyDay], sent: [:], total: 0).alerted, "no channel delivered anything")
        let dead = judge(days: ["a": everyDay, "b": everyDay], dead: ["hy-dvc": 2])
        #expect(!dead.alerted && !dead.indicator20)
        // No host at all: not monitored, unless monitored by other means that still hold.
        let none = judge(hosts: [], days: [:])
        #expect(none.hosts == 0 && !none.indicator20)
        let elsewhere = judge(
            hosts: [], days: [:],
            system: Self.system { $0.monitoredElsewhere = ExternalMonitoring(by: "SOC VNPT", evidence: "HĐ 12/2026", until: "2026-12-31") })
        #expect(elsewhere.indicator20 && elsewhere.monitoredElsewhere?.by == "SOC VNPT")
        let expired = judge(
            hosts: [], days: [:],
            system: Self.system { $0.monitoredElsewhere = ExternalMonitoring(by: "SOC VNPT", evidence: "HĐ 1/2025", until: "2026-07-09") })
        #expect(!expired.indicator20 && expired.monitoredElsewhere == nil, "an attestation that lapsed before the last day counted")
    }
}
