/// One enrolled agent (SPEC §2).
public struct EnrolledHost: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case active, stale, revoked
    }

    /// Chosen by the collector at enrollment; the client certificate names it.
    public var agentID: String
    public var hostname: String
    public var machineID: String?
    public var os: String?
    public var agentVersion: String?
    public var rulesVersion: String?
    public var system: String
    public var enrolledAt: Timestamp
    public var lastSeen: Timestamp?
    public var status: Status

    public init(
        agentID: String, hostname: String, machineID: String? = nil, os: String? = nil, agentVersion: String? = nil,
        rulesVersion: String? = nil, system: String, enrolledAt: Timestamp, lastSeen: Timestamp? = nil, status: Status = .active
    ) {
        self.agentID = agentID
        self.hostname = hostname
        self.machineID = machineID
        self.os = os
        self.agentVersion = agentVersion
        self.rulesVersion = rulesVersion
        self.system = system
        self.enrolledAt = enrolledAt
        self.lastSeen = lastSeen
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case hostname, os, system, status
        case agentID = "agent_id"
        case machineID = "machine_id"
        case agentVersion = "agent_version"
        case rulesVersion = "rules_version"
        case enrolledAt = "enrolled_at"
        case lastSeen = "last_seen"
    }
}
