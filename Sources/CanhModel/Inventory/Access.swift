/// What a user of the API may do (SPEC §6): viewers read, analysts also change finding states,
/// admins also manage systems, hosts, tokens and users.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case viewer, analyst, admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A person (or script) with an API token; the token itself is stored only as its SHA-256.
public struct User: Sendable, Hashable, Codable {
    public var name: String
    public var role: Role
    public var createdAt: Timestamp

    public init(name: String, role: Role, createdAt: Timestamp) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case name, role
        case createdAt = "created_at"
    }
}

/// A one-time enrollment token bound to a system: it expires, and can be used a set number of
/// times. Only its SHA-256 is stored.
public struct EnrollmentToken: Sendable, Hashable, Codable {
    /// A short public id, to list and refer to the token without its secret.
    public var id: String
    public var system: String
    public var expiresAt: Timestamp
    public var usesLeft: Int
    public var createdBy: String
    public var createdAt: Timestamp

    public init(id: String, system: String, expiresAt: Timestamp, usesLeft: Int, createdBy: String, createdAt: Timestamp) {
        self.id = id
        self.system = system
        self.expiresAt = expiresAt
        self.usesLeft = usesLeft
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, system
        case expiresAt = "expires_at"
        case usesLeft = "uses_left"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}

/// One administrative action, kept for auditors.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: Timestamp
    /// `user:NAME`, `agent:ID` or `cli:init`.
    public var actor: String
    /// e.g. `system.add`, `token.create`, `host.revoke`, `user.add`, `finding.except`.
    public var action: String
    public var target: String
    public var detail: String?

    public init(at: Timestamp, actor: String, action: String, target: String, detail: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
    }
}
