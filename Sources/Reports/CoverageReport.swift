public import CanhModel

/// Province-wide figures (SPEC §3 `report coverage`; plan 155/KH-UBND indicators 19 and 20):
/// how many systems have an approved level dossier and how many are monitored, by level and by
/// owner, with the hosts that went quiet and the certificates running out.
public struct CoverageReport: Sendable, Hashable, Codable {
    public var generatedAt: Timestamp
    public var rulesVersion: String
    /// The period indicators 19 and 20 are counted over (default: the current half-year).
    public var period: ReportPeriod
    /// A system is reporting now when one of its hosts reported within this many hours.
    public var monitoredWithinHours: Int
    /// Certificates with at most this many days left are listed.
    public var certificatesWithinDays: Int
    public var totals: CoverageCounts
    public var hosts: HostCounts
    public var byLevel: [LevelCoverage]
    public var byOwner: [OwnerCoverage]
    public var systems: [SystemCoverage]
    /// Hosts that missed three heartbeats, longest silent first.
    public var staleHosts: [StaleHost]
    /// Certificates of every system by days left (expired ones included), for the chart.
    public var certificateBins: [CertificateBin]
    public var expiringCertificates: [ExpiringCertificate]

    public init(
        generatedAt: Timestamp, rulesVersion: String, period: ReportPeriod, monitoredWithinHours: Int, certificatesWithinDays: Int,
        totals: CoverageCounts,
        hosts: HostCounts, byLevel: [LevelCoverage], byOwner: [OwnerCoverage], systems: [SystemCoverage], staleHosts: [StaleHost],
        certificateBins: [CertificateBin], expiringCertificates: [ExpiringCertificate]
    ) {
        self.generatedAt = generatedAt
        self.rulesVersion = rulesVersion
        self.period = period
        self.monitoredWithinHours = monitoredWithinHours
        self.certificatesWithinDays = certificatesWithinDays
        self.totals = totals
        self.hosts = hosts
        self.byLevel = byLevel
        self.byOwner = byOwner
        self.systems = systems
        self.staleHosts = staleHosts
        self.certificateBins = certificateBins
        self.expiringCertificates = expiringCertificates
    }

    enum CodingKeys: String, CodingKey {
        case totals, hosts, systems, period
        case generatedAt = "generated_at"
        case rulesVersion = "rules_version"
        case monitoredWithinHours = "monitored_within_hours"
        case certificatesWithinDays = "certificates_within_days"
        case byLevel = "by_level"
        case byOwner = "by_owner"
        case staleHosts = "stale_hosts"
        case certificateBins = "certificate_bins"
        case expiringCertificates = "expiring_certificates"
    }
}

/// Systems, those with an approved level dossier, those reporting now, and those meeting
/// indicators 19 and 20 of plan 155/KH-UBND over the period.
public struct CoverageCounts: Sendable, Hashable, Codable {
    public var systems = 0
    public var approved = 0
    /// A host reported within the last `monitored_within_hours`.
    public var monitored = 0
    public var withoutHosts = 0
    public var indicator19 = 0
    public var indicator20 = 0
    /// Counted for indicator 20 through monitoring by other means.
    public var monitoredElsewhere = 0

    public init() {}

    mutating func add(_ system: SystemCoverage) {
        systems += 1
        if system.dossier == .approved { approved += 1 }
        if system.monitored { monitored += 1 }
        if system.hosts == 0 { withoutHosts += 1 }
        if system.indicators.indicator19 { indicator19 += 1 }
        if system.indicators.indicator20 { indicator20 += 1 }
        if system.indicators.monitoredElsewhere != nil { monitoredElsewhere += 1 }
    }

    enum CodingKeys: String, CodingKey {
        case systems, approved, monitored
        case withoutHosts = "without_hosts"
        case indicator19 = "indicator_19"
        case indicator20 = "indicator_20"
        case monitoredElsewhere = "monitored_elsewhere"
    }
}

public struct HostCounts: Sendable, Hashable, Codable {
    public var total = 0
    public var active = 0
    public var stale = 0
    public var revoked = 0

    public init() {}
}

public struct LevelCoverage: Sendable, Hashable, Codable {
    public var level: Level
    public var counts: CoverageCounts

    public init(level: Level, counts: CoverageCounts) {
        self.level = level
        self.counts = counts
    }
}

public struct OwnerCoverage: Sendable, Hashable, Codable {
    public var owner: String
    public var counts: CoverageCounts

    public init(owner: String, counts: CoverageCounts) {
        self.owner = owner
        self.counts = counts
    }
}

/// One system's line in the coverage report.
public struct SystemCoverage: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var owner: String
    public var level: Level
    public var dossier: DossierStatus
    public var decisionNumber: String?
    public var decisionDate: String?
    /// Hosts not revoked.
    public var hosts: Int
    public var staleHosts: Int
    public var lastSeen: Timestamp?
    public var monitored: Bool
    public var indicators: PlanIndicators

    public init(
        id: String, name: String, owner: String, level: Level, dossier: DossierStatus, decisionNumber: String?, decisionDate: String?,
        hosts: Int, staleHosts: Int, lastSeen: Timestamp?, monitored: Bool, indicators: PlanIndicators
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.level = level
        self.dossier = dossier
        self.decisionNumber = decisionNumber
        self.decisionDate = decisionDate
        self.hosts = hosts
        self.staleHosts = staleHosts
        self.lastSeen = lastSeen
        self.monitored = monitored
        self.indicators = indicators
    }

    enum CodingKeys: String, CodingKey {
        case id, name, owner, level, dossier, hosts, monitored, indicators
        case decisionNumber = "decision_number"
        case decisionDate = "decision_date"
        case staleHosts = "stale_hosts"
        case lastSeen = "last_seen"
    }
}

public struct StaleHost: Sendable, Hashable, Codable {
    public var system: String
    public var agentID: String
    public var hostname: String
    public var lastSeen: Timestamp?

    public init(system: String, agentID: String, hostname: String, lastSeen: Timestamp?) {
        self.system = system
        self.agentID = agentID
        self.hostname = hostname
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case system, hostname
        case agentID = "agent_id"
        case lastSeen = "last_seen"
    }
}

/// A range of days left and how many certificates fall in it.
public struct CertificateBin: Sendable, Hashable, Codable {
    /// `expired`, `0-7`, `8-30`, `31-90`, `over-90`.
    public var range: String
    public var count: Int

    public init(range: String, count: Int) {
        self.range = range
        self.count = count
    }

    /// The bins the charts draw, in order.
    public static let ranges: [(name: String, contains: @Sendable (Int) -> Bool)] = [
        ("expired", { $0 < 0 }), ("0-7", { (0...7).contains($0) }), ("8-30", { (8...30).contains($0) }),
        ("31-90", { (31...90).contains($0) }), ("over-90", { $0 > 90 }),
    ]

    public static func bins(daysLeft: [Int]) -> [CertificateBin] {
        ranges.map { range in CertificateBin(range: range.name, count: daysLeft.count(where: range.contains)) }
    }
}

public struct ExpiringCertificate: Sendable, Hashable, Codable {
    public var certificate: CertificateSummary
    public var systems: [String]

    public init(certificate: CertificateSummary, systems: [String]) {
        self.certificate = certificate
        self.systems = systems
    }
}
