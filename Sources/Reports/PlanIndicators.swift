public import CanhModel

/// What the collector observed of monitoring over a period, for indicators 19 and 20.
public struct MonitoringFacts: Sendable {
    public var period: ReportPeriod
    /// Days each host reported on (Vietnam time, days since 1970-01-01), by agent id.
    public var reportingDays: [String: Set<Int64>]
    /// Messages sent and dead in the period, by system; messages sent in all.
    public var sentBySystem: [String: Int]
    public var deadBySystem: [String: Int]
    public var sent: Int

    public init(
        period: ReportPeriod, reportingDays: [String: Set<Int64>], sentBySystem: [String: Int], deadBySystem: [String: Int], sent: Int
    ) {
        self.period = period
        self.reportingDays = reportingDays
        self.sentBySystem = sentBySystem
        self.deadBySystem = deadBySystem
        self.sent = sent
    }

    /// The first and last day counted: the period's, but not beyond today.
    public func days(now: Timestamp) -> ClosedRange<Int64> {
        let first = LocalDate(period.start).daysSinceEpoch
        let last = min(LocalDate(period.end - .seconds(1)).daysSinceEpoch, LocalDate(now).daysSinceEpoch)
        return first...max(first, last)
    }
}

/// Indicators 19 and 20 of plan 155/KH-UBND (30/12/2025) for one system, as the plan defines them:
/// 19 — the level dossier approved before the system went into use **and** the security plan
/// fully carried out; 20 — monitored **and** alerted on: every host reported at least daily over
/// the period, and its alerts reached someone.
public struct PlanIndicators: Sendable, Hashable, Codable {
    /// Indicator 19's first part.
    public enum DossierTiming: String, Sendable, Hashable, Codable, CaseIterable {
        case approvedBeforeGoLive = "approved_before_go_live"
        case approvedAfterGoLive = "approved_after_go_live"
        /// Approved, but the decision's date or the go-live date is not recorded.
        case datesUnknown = "dates_unknown"
        case notApproved = "not_approved"
    }

    public var dossier: DossierTiming
    public var planFull: Bool
    public var indicator19: Bool

    /// Hosts counted (enrolled by the end of the period, not revoked).
    public var hosts: Int
    /// Days of the period counted (up to the day the report is made).
    public var days: Int
    /// Days on which every host enrolled by then reported.
    public var daysCovered: Int
    public var alertsSent: Int
    public var alertsDead: Int
    /// Its alerts reached someone: some were sent and none died, or there was nothing to send
    /// while the channels delivered other messages.
    public var alerted: Bool
    /// Monitoring by other means, when it holds to the last day counted.
    public var monitoredElsewhere: ExternalMonitoring?
    public var indicator20: Bool

    enum CodingKeys: String, CodingKey {
        case dossier, hosts, days, alerted
        case planFull = "plan_full"
        case indicator19 = "indicator_19"
        case daysCovered = "days_covered"
        case alertsSent = "alerts_sent"
        case alertsDead = "alerts_dead"
        case monitoredElsewhere = "monitored_elsewhere"
        case indicator20 = "indicator_20"
    }

    /// - Parameter hosts: the system's hosts.
    public init(system: InformationSystem, hosts: [EnrolledHost], facts: MonitoringFacts, now: Timestamp) {
        switch (system.approval, system.approval?.date, system.goLive) {
        case (nil, _, _): dossier = .notApproved
        case (_, let decided?, let live?): dossier = decided <= live ? .approvedBeforeGoLive : .approvedAfterGoLive
        default: dossier = .datesUnknown
        }
        planFull = system.plan == .full
        indicator19 = dossier == .approvedBeforeGoLive && planFull

        let range = facts.days(now: now)
        let counted = hosts.filter { $0.status != .revoked && $0.enrolledAt < facts.period.end }
        let enrolledOn = counted.map { ($0.agentID, LocalDate($0.enrolledAt).daysSinceEpoch) }
        self.hosts = counted.count
        days = range.count
        daysCovered = range.count { day in
            let expected = enrolledOn.filter { $0.1 <= day }
            return !expected.isEmpty && expected.allSatisfy { facts.reportingDays[$0.0]?.contains(day) ?? false }
        }
        alertsSent = facts.sentBySystem[system.id] ?? 0
        alertsDead = facts.deadBySystem[system.id] ?? 0
        alerted = alertsDead == 0 && (alertsSent > 0 || facts.sent > 0)
        let lastDay = LocalDate(daysSinceEpoch: range.upperBound).iso
        monitoredElsewhere = system.monitoredElsewhere.flatMap { $0.until >= lastDay ? $0 : nil }
        indicator20 = monitoredElsewhere != nil || (self.hosts > 0 && daysCovered == days && alerted)
    }
}
