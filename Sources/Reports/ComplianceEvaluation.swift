public import CanhModel
public import Rules

/// Judges each requirement that applies at a system's declared level from what the collector
/// holds (SPEC §2). Pure: the same inputs give the same report, so it is tested on values.
///
/// An automated requirement fails while a finding of a rule citing it is open or acknowledged with
/// outcome `fail`. It passes only on evidence: a state rule citing it reported `pass` on every
/// monitored host during the period and nothing of that rule is unhandled there; each pass names
/// the rule, host and finding that proved it. Detections can make it fail, never pass: with only
/// detections citing it, it is not evaluated. Otherwise it is not evaluated, with the reason. A
/// manual requirement is `manual` while an attestation holds, else not evaluated.
public struct ComplianceEvaluation: Sendable {
    /// Findings listed per requirement; the report says how many there were in all.
    public static let evidenceLimit = 20

    public var pack: RulePack
    public var period: ReportPeriod
    /// When the report is made: attestations and exceptions are judged at this time.
    public var now: Timestamp
    /// What to do about each rule's findings; the pack's own text when nil (the collector passes
    /// its guidance from the newest published pack, as findings and alerts show it).
    public var guidance: @Sendable (String) -> RuleGuidance?

    public init(
        pack: RulePack, period: ReportPeriod, now: Timestamp, guidance: @escaping @Sendable (String) -> RuleGuidance? = { _ in nil }
    ) {
        self.pack = pack
        self.period = period
        self.now = now
        self.guidance = guidance
    }

    /// What the collector holds about one system.
    public struct SystemFacts: Sendable {
        public var system: InformationSystem
        /// With `stale` already decided by the caller.
        public var hosts: [EnrolledHost]
        public var findings: [FindingState]
        public var attestations: [Attestation]
        public var certificates: [CertificateRecord]

        public init(
            system: InformationSystem, hosts: [EnrolledHost], findings: [FindingState], attestations: [Attestation],
            certificates: [CertificateRecord]
        ) {
            self.system = system
            self.hosts = hosts
            self.findings = findings
            self.attestations = attestations
            self.certificates = certificates
        }
    }

    public func report(scope: String?, systems: [SystemFacts]) -> ComplianceReport {
        ComplianceReport(
            generatedAt: now, period: period, rulesVersion: pack.version, scope: scope, systems: systems.map(evaluate))
    }

    public func evaluate(_ facts: SystemFacts) -> SystemCompliance {
        let level = facts.system.level
        let findingsByRule = Dictionary(grouping: facts.findings, by: \.rule)
        let attestationByRequirement = Dictionary(grouping: facts.attestations, by: \.requirement)
            .compactMapValues { $0.max { $0.attestedAt < $1.attestedAt } }
        let monitored = facts.hosts.filter { $0.status != .revoked }
        let reporting = monitored.filter { host in
            host.enrolledAt < period.end && (host.lastSeen.map { $0 >= period.start } ?? false)
        }
        var counts = StatusCounts()
        var requirements: [RequirementCompliance] = []
        for requirement in pack.requirements.requirements where requirement.levels.contains(level) {
            let rules = pack.rules.filter { $0.applies(at: level) && $0.requirements.contains(requirement.id) }
            var entry = RequirementCompliance(
                id: requirement.id, area: requirement.area, text: requirement.text, citation: requirement.citation(at: level),
                threshold: requirement.threshold, check: requirement.check.rawValue, status: .notEvaluated,
                reason: .noRules, rules: rules.map(\.id), lastChecked: nil, hosts: [], findings: [], findingsTotal: 0, attestation: nil)
            switch requirement.check {
            case .manual:
                judgeManual(&entry, attestation: attestationByRequirement[requirement.id])
                if let proof = requirement.inventory { judgeInventory(&entry, proof: proof, system: facts.system) }
            case .automated:
                judgeAutomated(&entry, rules: rules, findingsByRule: findingsByRule, monitored: monitored, reporting: reporting)
            }
            counts[entry.status] += 1
            requirements.append(entry)
        }
        let hosts = facts.hosts.map {
            HostSummary(agentID: $0.agentID, hostname: $0.hostname, status: $0.status, lastSeen: $0.lastSeen, rulesVersion: $0.rulesVersion)
        }
        let certificates = facts.certificates.map { CertificateSummary($0, now: now) }.sorted {
            ($0.daysLeft, $0.fingerprint) < ($1.daysLeft, $1.fingerprint)
        }
        return SystemCompliance(
            system: facts.system, regime: RegimeChoice.choose(goLive: facts.system.goLive, reportDate: now), hosts: hosts, summary: counts,
            requirements: requirements, certificates: certificates)
    }

    private func judgeManual(_ entry: inout RequirementCompliance, attestation: Attestation?) {
        entry.attestation = attestation
        guard let attestation else {
            entry.reason = .noAttestation
            return
        }
        entry.lastChecked = attestation.attestedAt
        if attestation.isCurrent(at: now) {
            (entry.status, entry.reason) = (.manual, .attested)
        } else {
            entry.reason = .attestationExpired
        }
    }

    /// The inventory is the record of the dossier and the assessments: what it holds decides,
    /// met or not, over an attestation.
    private func judgeInventory(_ entry: inout RequirementCompliance, proof: Requirement.InventoryProof, system: InformationSystem) {
        switch proof {
        case .dossier:
            let approved = system.approval
            let met = approved != nil && system.plan == .full
            (entry.status, entry.reason) = met ? (.manual, .inventoryFacts) : (.fail, .inventoryShowsUnmet)
            entry.inventoryEvidence = InventoryWording.dossier(system)
            entry.lastChecked = approved?.date.flatMap(LocalDate.init(iso:))?.startInVietnam
        case .assessment:
            let standing = AssessmentStanding(system, on: LocalDate(now))
            (entry.status, entry.reason) = standing.current ? (.manual, .inventoryFacts) : (.fail, .inventoryShowsUnmet)
            entry.inventoryEvidence = InventoryWording.assessment(standing.latest, months: standing.months, level: system.level)
            entry.lastChecked = standing.latest.flatMap { LocalDate(iso: $0.date) }?.startInVietnam
        }
    }

    private func judgeAutomated(
        _ entry: inout RequirementCompliance, rules: [Rule], findingsByRule: [String: [FindingState]], monitored: [EnrolledHost],
        reporting: [EnrolledHost]
    ) {
        guard !rules.isEmpty else { return }
        var relevant: [FindingState] = []
        var stateFindings: [(rule: String, findings: [FindingState])] = []
        for rule in rules {
            let isState: Bool
            switch rule.body {
            case .journal: isState = false
            case .posture: isState = true
            }
            // A detection counts when it was seen during the period; a state check's newest
            // report stands until the next one.
            let inPeriod = (findingsByRule[rule.id] ?? []).filter { finding in
                isState ? finding.firstSeen < period.end : period.overlaps(first: finding.firstSeen, last: finding.lastSeen)
            }
            relevant += inPeriod
            if isState { stateFindings.append((rule.id, inPeriod)) }
        }
        let unhandled = relevant.filter { $0.status == .open || $0.status == .acknowledged }
        entry.findingsTotal = relevant.count
        entry.findings = Self.firstEvidence(relevant, count: Self.evidenceLimit).map(FindingEvidence.init)
        // Every host that was enrolled before the period ended and is not revoked must be proven.
        let hostnames = Set(monitored.filter { $0.enrolledAt < period.end }.map(\.hostname)).sorted()
        let proofs = stateFindings.map { Self.proof(of: $0.rule, from: $0.findings, on: hostnames, in: period) }
        let complete = proofs.filter { $0.unproven.isEmpty && !$0.proven.isEmpty }
        entry.lastChecked = (stateFindings.isEmpty ? reporting.compactMap(\.lastSeen) : relevant.map(\.lastSeen)).max()
        entry.hosts = stateFindings.isEmpty ? reporting.map(\.hostname).sorted() : Array(Set(relevant.map(\.host))).sorted()

        if unhandled.contains(where: { $0.outcome == .fail }) {
            (entry.status, entry.reason) = (.fail, .openFindings)
            // What to do: the remediation of each rule with an open failure, in the pack's order.
            let failing = Set(unhandled.filter { $0.outcome == .fail }.map(\.rule))
            entry.remediation = rules.filter { failing.contains($0.id) }.map { rule in
                let guidance = self.guidance(rule.id) ?? rule.guidance
                return RuleRemediation(rule: rule.id, text: guidance.remediation, references: guidance.references)
            }
        } else if monitored.isEmpty {
            entry.reason = .noHosts
        } else if reporting.isEmpty {
            entry.reason = .noReportsInPeriod
        } else if stateFindings.isEmpty {
            // Detections can show that something went wrong, never that the requirement is met.
            entry.reason = .detectionsOnly
        } else if !complete.isEmpty {
            (entry.status, entry.reason) = (.pass, .checksPassed)
            // Only a pass is proven: a failed requirement shows its failures, not a partial proof.
            entry.proof = complete.flatMap(\.proven)
        } else if stateFindings.allSatisfy({ $0.findings.isEmpty }) {
            entry.reason = .neverChecked
        } else if !stateFindings.contains(where: { $0.findings.contains { $0.outcome == .pass } }) {
            entry.reason = .checkErrors
        } else {
            // The hosts no rule proved, for the rule that came closest.
            let closest = proofs.max { ($0.proven.count, $1.rule) < ($1.proven.count, $0.rule) }
            entry.unproven = closest?.unproven ?? hostnames
            entry.reason = .notProvenOnEveryHost
        }
    }

    /// Which hosts one state rule proved during the period: a host is proven when the rule
    /// reported a pass there that was current during the period, and nothing of the rule on that
    /// host is unhandled (a failure, or a check that could not run).
    private static func proof(
        of rule: String, from findings: [FindingState], on hostnames: [String], in period: ReportPeriod
    ) -> (rule: String, proven: [CompliancePassProof], unproven: [String]) {
        let byHost = Dictionary(grouping: findings, by: \.host)
        var proven: [CompliancePassProof] = []
        var unproven: [String] = []
        for hostname in hostnames {
            let onHost = byHost[hostname] ?? []
            let passes = onHost.filter { $0.outcome == .pass && $0.lastSeen >= period.start }
            guard let newest = passes.max(by: { ($0.lastSeen, $1.fingerprint) < ($1.lastSeen, $0.fingerprint) }),
                !onHost.contains(where: { $0.status == .open || $0.status == .acknowledged })
            else {
                unproven.append(hostname)
                continue
            }
            proven.append(
                CompliancePassProof(
                    rule: rule, host: hostname, entity: newest.entity, fingerprint: newest.fingerprint, observedAt: newest.lastSeen))
        }
        return (rule, proven, unproven)
    }

    /// Unhandled failures first (most severe, newest), then check errors, exceptions, and the rest.
    /// The first `count` findings in evidence order, chosen without sorting all of them: a
    /// system's detections run to thousands, and sorting moved every one of them around.
    static func firstEvidence(_ findings: [FindingState], count: Int) -> [FindingState] {
        var chosen: [Int] = []
        for index in findings.indices {
            if chosen.count == count, let last = chosen.last, !evidenceOrder(findings[index], findings[last]) { continue }
            let position = chosen.firstIndex { evidenceOrder(findings[index], findings[$0]) } ?? chosen.count
            chosen.insert(index, at: position)
            if chosen.count > count { chosen.removeLast() }
        }
        return chosen.map { findings[$0] }
    }

    static func evidenceOrder(_ a: FindingState, _ b: FindingState) -> Bool {
        func rank(_ finding: FindingState) -> Int {
            let unhandled = finding.status == .open || finding.status == .acknowledged
            switch (unhandled, finding.outcome, finding.status) {
            case (true, .fail, _): return 0
            case (true, _, _): return 1
            case (false, _, .excepted): return 2
            default: return 3
            }
        }
        return (rank(a), -a.severity.rank, -a.lastSeen.microsecondsSinceEpoch, a.fingerprint)
            < (rank(b), -b.severity.rank, -b.lastSeen.microsecondsSinceEpoch, b.fingerprint)
    }

    /// Whole days, rounded towards minus infinity: a certificate expiring in 6 hours has 0 days left.
    static func wholeDays(_ span: TimeSpan) -> Int {
        let day: Int64 = 86_400_000_000
        let micros = span.microseconds
        return Int(micros >= 0 ? micros / day : (micros + 1) / day - 1)
    }
}
