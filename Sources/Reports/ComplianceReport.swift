public import CanhModel

/// Where an applicable requirement stands for one information system (SPEC §2).
public enum ComplianceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A state rule citing it reported a pass on every monitored host, and nothing citing it is
    /// unhandled.
    case pass
    /// A finding of a rule citing it is open or acknowledged.
    case fail
    /// Nothing shows it either way: no host reported, the checks never ran or could not run, or a
    /// manual requirement has no current attestation.
    case notEvaluated = "not_evaluated"
    /// Checked by people: a current attestation in the collector says it is met.
    case manual
}

/// Why a requirement is `not_evaluated` (or how a `pass` was reached), as a code the renderers
/// put into words.
public enum ComplianceReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// A state rule citing it reported a pass on every monitored host during the period (the
    /// requirement's `proof` names them) and nothing citing it is unhandled.
    case checksPassed = "checks_passed"
    /// Only detection rules cite it: they can show it broken, never met, and no state check
    /// observes it.
    case detectionsOnly = "detections_only"
    /// State checks passed on some hosts, but no rule citing it passed on every monitored host
    /// (the requirement's `unproven` lists the hosts it lacks).
    case notProvenOnEveryHost = "not_proven_on_every_host"
    case openFindings = "open_findings"
    case noHosts = "no_hosts"
    case noReportsInPeriod = "no_reports_in_period"
    /// The state checks that cite it never reported on any host (nothing of the kind is configured).
    case neverChecked = "never_checked"
    /// The checks reported errors only (unreadable files, unreachable endpoints).
    case checkErrors = "check_errors"
    case attested
    case noAttestation = "no_attestation"
    /// The inventory's facts show it met (an approved dossier with the plan carried out, a
    /// recent assessment); `inventory_evidence` says which.
    case inventoryFacts = "inventory_facts"
    /// The inventory's facts show it not met; `inventory_evidence` says what is missing.
    case inventoryShowsUnmet = "inventory_shows_unmet"
    case attestationExpired = "attestation_expired"
    /// No rule of the pack cites it at this level.
    case noRules = "no_rules"
}

/// The whole compliance report: every system asked for, evaluated at its declared level. This
/// value is what every format renders and what the digest is computed over.
public struct ComplianceReport: Sendable, Hashable, Codable {
    public var generatedAt: Timestamp
    public var period: ReportPeriod
    public var rulesVersion: String
    /// `--system ID`, or nil for `--all`.
    public var scope: String?
    public var systems: [SystemCompliance]

    public init(generatedAt: Timestamp, period: ReportPeriod, rulesVersion: String, scope: String?, systems: [SystemCompliance]) {
        self.generatedAt = generatedAt
        self.period = period
        self.rulesVersion = rulesVersion
        self.scope = scope
        self.systems = systems
    }

    enum CodingKeys: String, CodingKey {
        case period, scope, systems
        case generatedAt = "generated_at"
        case rulesVersion = "rules_version"
    }
}

/// One system's compliance.
public struct SystemCompliance: Sendable, Hashable, Codable {
    public var system: InformationSystem
    /// The regime the citations are printed for, from the system's go-live date and the report date.
    public var regime: RegimeChoice
    public var hosts: [HostSummary]
    public var summary: StatusCounts
    public var requirements: [RequirementCompliance]
    public var certificates: [CertificateSummary]

    public init(
        system: InformationSystem, regime: RegimeChoice, hosts: [HostSummary], summary: StatusCounts,
        requirements: [RequirementCompliance], certificates: [CertificateSummary]
    ) {
        self.system = system
        self.regime = regime
        self.hosts = hosts
        self.summary = summary
        self.requirements = requirements
        self.certificates = certificates
    }
}

/// How many requirements are in each status.
public struct StatusCounts: Sendable, Hashable, Codable {
    public var pass = 0
    public var fail = 0
    public var notEvaluated = 0
    public var manual = 0

    public init() {}

    public var total: Int { pass + fail + notEvaluated + manual }
    /// Met, by the checks or by an attestation.
    public var met: Int { pass + manual }

    public subscript(status: ComplianceStatus) -> Int {
        get {
            switch status {
            case .pass: pass
            case .fail: fail
            case .notEvaluated: notEvaluated
            case .manual: manual
            }
        }
        set {
            switch status {
            case .pass: pass = newValue
            case .fail: fail = newValue
            case .notEvaluated: notEvaluated = newValue
            case .manual: manual = newValue
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case pass, fail, manual
        case notEvaluated = "not_evaluated"
    }
}

/// A host of the system as the report saw it.
public struct HostSummary: Sendable, Hashable, Codable {
    public var agentID: String
    public var hostname: String
    public var status: EnrolledHost.Status
    public var lastSeen: Timestamp?
    public var rulesVersion: String?

    public init(agentID: String, hostname: String, status: EnrolledHost.Status, lastSeen: Timestamp?, rulesVersion: String?) {
        self.agentID = agentID
        self.hostname = hostname
        self.status = status
        self.lastSeen = lastSeen
        self.rulesVersion = rulesVersion
    }

    enum CodingKeys: String, CodingKey {
        case hostname, status
        case agentID = "agent_id"
        case lastSeen = "last_seen"
        case rulesVersion = "rules_version"
    }
}

/// One applicable requirement and the evidence for its status.
/// A failing rule's remediation, as a report prints it under the requirement it fails.
public struct RuleRemediation: Sendable, Hashable, Codable {
    public var rule: String
    public var text: LocalizedText
    public var references: [String]

    public init(rule: String, text: LocalizedText, references: [String]) {
        self.rule = rule
        self.text = text
        self.references = references
    }
}

public struct RequirementCompliance: Sendable, Hashable, Codable {
    public var id: String
    /// The TT12 group: network, server, application, data, management.
    public var area: String
    public var text: LocalizedText
    /// What the law says at the system's level; the renderers print the regimes the system's
    /// `regime` names.
    public var citation: LegalCitation?
    /// Where the thresholds of the rules citing it come from, when no text states them.
    public var threshold: ThresholdBasis?
    public var check: String
    public var status: ComplianceStatus
    public var reason: ComplianceReason
    /// The rules of the pack citing it at the system's level.
    public var rules: [String]
    /// When the newest evidence was recorded (a check's last report, or the host's last heartbeat for detections).
    public var lastChecked: Timestamp?
    /// Hosts that provided evidence.
    public var hosts: [String]
    /// Failing findings first, then exceptions and passing checks; at most `evidenceLimit` of them.
    public var findings: [FindingEvidence]
    /// How many findings there were in all, when more than the list holds.
    public var findingsTotal: Int
    public var attestation: Attestation?
    /// For a pass: each state rule that passed on every monitored host, with the finding that
    /// proved it on each host.
    public var proof: [CompliancePassProof] = []
    /// For `not_proven_on_every_host`: the monitored hosts the closest rule has no pass from.
    public var unproven: [String] = []
    /// For a requirement the inventory proves: the facts, in words.
    public var inventoryEvidence: LocalizedText?
    /// For a failure: what to do, from each rule with an open failure.
    public var remediation: [RuleRemediation] = []

    public init(
        id: String, area: String, text: LocalizedText, citation: LegalCitation?, threshold: ThresholdBasis?, check: String,
        status: ComplianceStatus,
        reason: ComplianceReason, rules: [String], lastChecked: Timestamp?, hosts: [String], findings: [FindingEvidence],
        findingsTotal: Int, attestation: Attestation?
    ) {
        self.id = id
        self.area = area
        self.text = text
        self.citation = citation
        self.threshold = threshold
        self.check = check
        self.status = status
        self.reason = reason
        self.rules = rules
        self.lastChecked = lastChecked
        self.hosts = hosts
        self.findings = findings
        self.findingsTotal = findingsTotal
        self.attestation = attestation
    }

    enum CodingKeys: String, CodingKey {
        case id, area, text, citation, threshold, check, status, reason, rules, hosts, findings, attestation, proof, unproven, remediation
        case inventoryEvidence = "inventory_evidence"
        case lastChecked = "last_checked"
        case findingsTotal = "findings_total"
    }
}

/// The state check that proved a requirement on one host: its rule, the entity and finding that
/// passed, and when it was last observed.
public struct CompliancePassProof: Sendable, Hashable, Codable {
    public var rule: String
    public var host: String
    public var entity: String
    public var fingerprint: String
    public var observedAt: Timestamp

    public init(rule: String, host: String, entity: String, fingerprint: String, observedAt: Timestamp) {
        self.rule = rule
        self.host = host
        self.entity = entity
        self.fingerprint = fingerprint
        self.observedAt = observedAt
    }

    enum CodingKeys: String, CodingKey {
        case rule, host, entity, fingerprint
        case observedAt = "observed_at"
    }
}

/// A finding state cited as evidence.
public struct FindingEvidence: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var rule: String
    public var entity: String
    public var host: String
    public var severity: Severity
    public var status: FindingStatus
    public var outcome: Outcome
    public var count: Int
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// Why it was acknowledged, resolved or excepted.
    public var reason: String?
    public var exceptedUntil: Timestamp?

    public init(_ state: FindingState) {
        fingerprint = state.fingerprint
        rule = state.rule
        entity = state.entity
        host = state.host
        severity = state.severity
        status = state.status
        outcome = state.outcome
        count = state.count
        firstSeen = state.firstSeen
        lastSeen = state.lastSeen
        reason = state.reason
        exceptedUntil = state.exceptedUntil
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, rule, entity, host, severity, status, outcome, count, reason
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case exceptedUntil = "excepted_until"
    }
}

/// A certificate of the system with the days it has left when the report was made.
public struct CertificateSummary: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var subject: String
    public var notAfter: Timestamp
    /// Negative once expired.
    public var daysLeft: Int
    /// Where it was seen: `host:path` or `host:endpoint`.
    public var locations: [String]

    /// A certificate of the inventory as it stands at `now`.
    public init(_ certificate: CertificateRecord, now: Timestamp) {
        self.init(
            fingerprint: certificate.fingerprint, subject: certificate.subject, notAfter: certificate.notAfter,
            daysLeft: ComplianceEvaluation.wholeDays(certificate.notAfter.since(now)),
            locations: certificate.places.map { "\($0.host):\($0.place)" }.sorted())
    }

    public init(fingerprint: String, subject: String, notAfter: Timestamp, daysLeft: Int, locations: [String]) {
        self.fingerprint = fingerprint
        self.subject = subject
        self.notAfter = notAfter
        self.daysLeft = daysLeft
        self.locations = locations
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, subject, locations
        case notAfter = "not_after"
        case daysLeft = "days_left"
    }
}
