/// Where a finding stands in the collector's workflow (SPEC §2).
public enum FindingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, acknowledged, resolved, excepted
}

/// The collector's one state per finding fingerprint: the records of (host, rule, entity)
/// folded together.
public struct FindingState: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var rule: String
    public var entity: String
    public var host: String
    public var system: String
    public var severity: Severity
    public var status: FindingStatus
    /// The outcome of the newest record: `pass` and `error` matter for compliance.
    public var outcome: Outcome
    /// Detections counted over every record (a brute force of 7 attempts counts 7).
    public var count: Int
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var requirements: [String]
    public var title: LocalizedText
    /// The newest record's evidence, as JSON text.
    public var evidence: String
    /// Why it was acknowledged, resolved or excepted, by whom and (exceptions) until when.
    public var reason: String?
    public var exceptedUntil: Timestamp?
    /// The user the finding is assigned to, by name.
    public var assignee: String?

    public init(
        fingerprint: String, rule: String, entity: String, host: String, system: String, severity: Severity, status: FindingStatus,
        outcome: Outcome, count: Int, firstSeen: Timestamp, lastSeen: Timestamp, requirements: [String], title: LocalizedText,
        evidence: String, reason: String? = nil, exceptedUntil: Timestamp? = nil, assignee: String? = nil
    ) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.entity = entity
        self.host = host
        self.system = system
        self.severity = severity
        self.status = status
        self.outcome = outcome
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.requirements = requirements
        self.title = title
        self.evidence = evidence
        self.reason = reason
        self.exceptedUntil = exceptedUntil
        self.assignee = assignee
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, rule, entity, host, system, severity, status, outcome, count, requirements, title, evidence, reason, assignee
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case exceptedUntil = "excepted_until"
    }
}

/// One change of a finding's status, with who made it and why (the audit trail of SPEC §2).
public struct FindingTransition: Sendable, Hashable, Codable {
    public var fingerprint: String
    public var at: Timestamp
    /// nil when the finding was first recorded.
    public var from: FindingStatus?
    public var to: FindingStatus
    /// `agent:AGENT_ID` for changes caused by records, `user:NAME` for people.
    public var actor: String
    public var reason: String?

    public init(fingerprint: String, at: Timestamp, from: FindingStatus?, to: FindingStatus, actor: String, reason: String?) {
        self.fingerprint = fingerprint
        self.at = at
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
    }
}
