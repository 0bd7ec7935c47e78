/// A person's statement that a manual requirement is met by a system (SPEC §2: manual
/// requirements are attested in the collector), with the evidence they rely on and an expiry,
/// after which the requirement counts as not evaluated again.
public struct Attestation: Sendable, Hashable, Codable {
    public var system: String
    public var requirement: String
    /// What shows it: a document number, a procedure, a contract.
    public var evidence: String
    /// `user:NAME`.
    public var attestedBy: String
    public var attestedAt: Timestamp
    public var expiresAt: Timestamp

    public init(system: String, requirement: String, evidence: String, attestedBy: String, attestedAt: Timestamp, expiresAt: Timestamp) {
        self.system = system
        self.requirement = requirement
        self.evidence = evidence
        self.attestedBy = attestedBy
        self.attestedAt = attestedAt
        self.expiresAt = expiresAt
    }

    /// Whether it still holds at `time`.
    public func isCurrent(at time: Timestamp) -> Bool { attestedAt <= time && time < expiresAt }

    enum CodingKeys: String, CodingKey {
        case system, requirement, evidence
        case attestedBy = "attested_by"
        case attestedAt = "attested_at"
        case expiresAt = "expires_at"
    }
}
