/// The request and response bodies of `/api/v1` that are not domain records themselves.
public enum APIMessages {
    public struct TokenRequest: Codable, Sendable {
        public var system: String
        /// Seconds until the token expires (default 24 h).
        public var expiresIn: Int?
        /// How many agents may enroll with it (default 1).
        public var uses: Int?

        public init(system: String, expiresIn: Int? = nil, uses: Int? = nil) {
            self.system = system
            self.expiresIn = expiresIn
            self.uses = uses
        }

        enum CodingKeys: String, CodingKey {
            case system, uses
            case expiresIn = "expires_in"
        }
    }

    public struct TokenResponse: Codable, Sendable {
        public var token: String
        public var enrollment: EnrollmentToken

        public init(token: String, enrollment: EnrollmentToken) {
            self.token = token
            self.enrollment = enrollment
        }
    }

    public struct EnrollRequest: Codable, Sendable {
        public var token: String
        public var hostname: String
        public var machineID: String?
        public var os: String?
        public var agentVersion: String?
        public var rulesVersion: String?
        /// PEM certificate signing request for the agent's own key.
        public var csr: String
        /// This machine enrolls again: the host that holds its name or machine id is revoked and
        /// replaced (`canh-agent enroll --replace`).
        public var replace: Bool?

        public init(
            token: String, hostname: String, machineID: String? = nil, os: String? = nil, agentVersion: String? = nil,
            rulesVersion: String? = nil, csr: String, replace: Bool? = nil
        ) {
            self.token = token
            self.hostname = hostname
            self.machineID = machineID
            self.os = os
            self.agentVersion = agentVersion
            self.rulesVersion = rulesVersion
            self.csr = csr
            self.replace = replace
        }

        enum CodingKeys: String, CodingKey {
            case token, hostname, os, csr, replace
            case machineID = "machine_id"
            case agentVersion = "agent_version"
            case rulesVersion = "rules_version"
        }
    }

    public struct EnrollResponse: Codable, Sendable {
        public var agentID: String
        public var system: String
        public var level: Level
        /// The agent's client certificate (PEM).
        public var certificate: String
        /// The collector's CA (PEM), for the agent to pin.
        public var ca: String
        /// The agent this one replaced (`replace`), now revoked.
        public var replacedAgentID: String?

        public init(agentID: String, system: String, level: Level, certificate: String, ca: String, replacedAgentID: String? = nil) {
            self.agentID = agentID
            self.system = system
            self.level = level
            self.certificate = certificate
            self.ca = ca
            self.replacedAgentID = replacedAgentID
        }

        enum CodingKeys: String, CodingKey {
            case system, level, certificate, ca
            case agentID = "agent_id"
            case replacedAgentID = "replaced_agent_id"
        }
    }

    public struct UserRequest: Codable, Sendable {
        public var name: String
        public var role: Role

        public init(name: String, role: Role) {
            self.name = name
            self.role = role
        }
    }

    public struct UserResponse: Codable, Sendable {
        public var user: User
        public var token: String

        public init(user: User, token: String) {
            self.user = user
            self.token = token
        }
    }

    /// How many web console sessions of a user were ended.
    public struct SignOutReply: Codable, Sendable, Equatable {
        public var ended: Int

        public init(ended: Int) { self.ended = ended }
    }

    /// A person attesting that a system meets a manual requirement.
    public struct AttestationRequest: Codable, Sendable {
        public var requirement: String
        public var evidence: String
        /// When the attestation stops counting; a year from now when absent.
        public var expiresAt: Timestamp?

        public init(requirement: String, evidence: String, expiresAt: Timestamp? = nil) {
            self.requirement = requirement
            self.evidence = evidence
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case requirement, evidence
            case expiresAt = "expires_at"
        }
    }

    public struct FindingChangeRequest: Codable, Sendable {
        public var reason: String
        public var until: Timestamp?

        public init(reason: String, until: Timestamp? = nil) {
            self.reason = reason
            self.until = until
        }
    }

    public struct FindingDetail: Codable, Sendable {
        public var finding: FindingState
        public var transitions: [FindingTransition]

        public init(finding: FindingState, transitions: [FindingTransition]) {
            self.finding = finding
            self.transitions = transitions
        }
    }

    /// An agent's heartbeat (SPEC §6): alive, with its versions and how much it has waiting.
    public struct Heartbeat: Codable, Sendable {
        public var agentVersion: String?
        public var rulesVersion: String?
        public var spoolDepth: Int?

        public init(agentVersion: String?, rulesVersion: String?, spoolDepth: Int?) {
            self.agentVersion = agentVersion
            self.rulesVersion = rulesVersion
            self.spoolDepth = spoolDepth
        }

        enum CodingKeys: String, CodingKey {
            case agentVersion = "agent_version"
            case rulesVersion = "rules_version"
            case spoolDepth = "spool_depth"
        }
    }

    /// The reply: the level of the agent's system, which selects the rule parameters.
    public struct HeartbeatReply: Codable, Sendable {
        public var system: String
        public var level: Level

        public init(system: String, level: Level) {
            self.system = system
            self.level = level
        }
    }
}

/// What the collector answers to a batch.
public struct IngestSummary: Sendable, Hashable, Codable {
    /// Records stored now.
    public var accepted: Int
    /// Records already stored by an earlier delivery (same id): not counted again.
    public var duplicates: Int

    public init(accepted: Int, duplicates: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}
