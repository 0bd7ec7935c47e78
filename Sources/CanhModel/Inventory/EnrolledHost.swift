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
    /// Why the agent refused the rule pack it was last told to run (version and reason), or nil.
    public var rulesFailure: String?
    public var system: String
    public var enrolledAt: Timestamp
    public var lastSeen: Timestamp?
    public var status: Status
    /// The agent that took this host's place when the machine enrolled again (`enroll --replace`);
    /// a replaced host is revoked and no longer holds its name.
    public var replacedBy: String?

    public init(
        agentID: String, hostname: String, machineID: String? = nil, os: String? = nil, agentVersion: String? = nil,
        rulesVersion: String? = nil, rulesFailure: String? = nil, system: String, enrolledAt: Timestamp, lastSeen: Timestamp? = nil,
        status: Status = .active, replacedBy: String? = nil
    ) {
        self.agentID = agentID
        self.hostname = hostname
        self.machineID = machineID
        self.os = os
        self.agentVersion = agentVersion
        self.rulesVersion = rulesVersion
        self.rulesFailure = rulesFailure
        self.system = system
        self.enrolledAt = enrolledAt
        self.lastSeen = lastSeen
        self.status = status
        self.replacedBy = replacedBy
    }

    enum CodingKeys: String, CodingKey {
        case hostname, os, system, status
        case agentID = "agent_id"
        case machineID = "machine_id"
        case agentVersion = "agent_version"
        case rulesVersion = "rules_version"
        case rulesFailure = "rules_failure"
        case enrolledAt = "enrolled_at"
        case lastSeen = "last_seen"
        case replacedBy = "replaced_by"
    }

    /// Whether `name` is a host name as RFC 1123 §2.1 allows: dot-separated labels of 1 to 63
    /// letters, digits and hyphens, not starting or ending with a hyphen, 253 characters at most.
    /// Findings, reports and terminals show it, so nothing else may be in it.
    public static func isValidHostname(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...253).contains(bytes.count) else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else { return false }
            return label.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            }
        }
    }

    /// Whether `id` is a machine id as systemd writes `/etc/machine-id`: 32 lower-case hex digits.
    public static func isValidMachineID(_ id: String) -> Bool {
        id.utf8.count == 32
            && id.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }
}
