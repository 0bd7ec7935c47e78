/// A rule pack version published to the collector (`canh-collector rules publish`): what it is
/// and who signed it; its archive and signature are kept beside it for agents to download.
public struct RulePackRelease: Sendable, Hashable, Codable {
    public var version: String
    public var name: String
    public var minimumAgentVersion: String
    /// SHA-256 of the archive, hex.
    public var sha256: String
    /// The minisign key id of the key that signed it.
    public var keyID: String
    public var size: Int
    public var publishedAt: Timestamp
    /// `user:NAME`.
    public var publishedBy: String

    public init(
        version: String, name: String, minimumAgentVersion: String, sha256: String, keyID: String, size: Int, publishedAt: Timestamp,
        publishedBy: String
    ) {
        self.version = version
        self.name = name
        self.minimumAgentVersion = minimumAgentVersion
        self.sha256 = sha256
        self.keyID = keyID
        self.size = size
        self.publishedAt = publishedAt
        self.publishedBy = publishedBy
    }

    enum CodingKeys: String, CodingKey {
        case version, name, sha256, size
        case minimumAgentVersion = "minimum_agent_version"
        case keyID = "key_id"
        case publishedAt = "published_at"
        case publishedBy = "published_by"
    }
}

/// Which published version the agents of a system (or, without a system, of every system not
/// assigned one of its own) are told to run.
public struct RulePackAssignment: Sendable, Hashable, Codable {
    /// nil: every system without an assignment of its own.
    public var system: String?
    public var version: String
    public var assignedAt: Timestamp
    public var assignedBy: String

    public init(system: String?, version: String, assignedAt: Timestamp, assignedBy: String) {
        self.system = system
        self.version = version
        self.assignedAt = assignedAt
        self.assignedBy = assignedBy
    }

    enum CodingKeys: String, CodingKey {
        case system, version
        case assignedAt = "assigned_at"
        case assignedBy = "assigned_by"
    }

    /// The version a system's agents are told to run: its own assignment, else the one for all.
    public static func version(for system: String, in assignments: [RulePackAssignment]) -> RulePackAssignment? {
        assignments.first { $0.system == system } ?? assignments.first { $0.system == nil }
    }
}
