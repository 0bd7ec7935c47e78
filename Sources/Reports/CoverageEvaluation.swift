public import CanhModel

/// Counts the estate for `report coverage`. Pure, like `ComplianceEvaluation`.
public struct CoverageEvaluation: Sendable {
    public var now: Timestamp
    public var rulesVersion: String
    public var monitoredWithinHours = 24
    public var certificatesWithinDays = 30

    public init(now: Timestamp, rulesVersion: String) {
        self.now = now
        self.rulesVersion = rulesVersion
    }

    /// - Parameters:
    ///   - hosts: every enrolled host, with `stale` already decided by the caller.
    ///   - certificates: every certificate in the inventory; its places name hosts by host name.
    ///   - monitoring: what was observed over the period indicators 19 and 20 are counted on.
    public func report(
        systems: [InformationSystem], hosts: [EnrolledHost], certificates: [CertificateRecord], monitoring: MonitoringFacts
    ) -> CoverageReport {
        let hostsBySystem = Dictionary(grouping: hosts, by: \.system)
        let monitoredSince = now - .hours(Int64(monitoredWithinHours))
        let lines = systems.sorted { $0.id < $1.id }.map { system in
            let live = (hostsBySystem[system.id] ?? []).filter { $0.status != .revoked }
            let lastSeen = live.compactMap(\.lastSeen).max()
            return SystemCoverage(
                id: system.id, name: system.name, owner: system.owner, level: system.level, dossier: system.dossier,
                decisionNumber: system.decisionNumber, decisionDate: system.decisionDate, hosts: live.count,
                staleHosts: live.count { $0.status == .stale }, lastSeen: lastSeen,
                monitored: lastSeen.map { $0 >= monitoredSince } ?? false,
                indicators: PlanIndicators(system: system, hosts: hostsBySystem[system.id] ?? [], facts: monitoring, now: now))
        }
        var totals = CoverageCounts()
        var byLevel: [Level: CoverageCounts] = [:]
        var byOwner: [String: CoverageCounts] = [:]
        for line in lines {
            totals.add(line)
            byLevel[line.level, default: CoverageCounts()].add(line)
            byOwner[line.owner, default: CoverageCounts()].add(line)
        }
        var hostCounts = HostCounts()
        for host in hosts {
            hostCounts.total += 1
            switch host.status {
            case .active: hostCounts.active += 1
            case .stale: hostCounts.stale += 1
            case .revoked: hostCounts.revoked += 1
            }
        }
        let stale = hosts.filter { $0.status == .stale }
            .sorted { ($0.lastSeen ?? $0.enrolledAt, $0.agentID) < ($1.lastSeen ?? $1.enrolledAt, $1.agentID) }
            .map { StaleHost(system: $0.system, agentID: $0.agentID, hostname: $0.hostname, lastSeen: $0.lastSeen) }
        var systemsByHostname: [String: Set<String>] = [:]
        for host in hosts where host.status != .revoked { systemsByHostname[host.hostname, default: []].insert(host.system) }
        let summaries = certificates.map { certificate in
            let summary = CertificateSummary(certificate, now: now)
            let systems = certificate.places.reduce(into: Set<String>()) { $0.formUnion(systemsByHostname[$1.host] ?? []) }
            return ExpiringCertificate(certificate: summary, systems: systems.sorted())
        }
        let expiring = summaries.filter { $0.certificate.daysLeft <= certificatesWithinDays }
            .sorted { ($0.certificate.daysLeft, $0.certificate.fingerprint) < ($1.certificate.daysLeft, $1.certificate.fingerprint) }
        return CoverageReport(
            generatedAt: now, rulesVersion: rulesVersion, period: monitoring.period, monitoredWithinHours: monitoredWithinHours,
            certificatesWithinDays: certificatesWithinDays, totals: totals, hosts: hostCounts,
            byLevel: Level.all.map { LevelCoverage(level: $0, counts: byLevel[$0] ?? CoverageCounts()) },
            byOwner: byOwner.keys.sorted().map { OwnerCoverage(owner: $0, counts: byOwner[$0] ?? CoverageCounts()) },
            systems: lines, staleHosts: stale, certificateBins: CertificateBin.bins(daysLeft: summaries.map(\.certificate.daysLeft)),
            expiringCertificates: expiring)
    }
}
