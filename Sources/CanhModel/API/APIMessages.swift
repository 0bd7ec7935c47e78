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
        /// What to do about it, from the newest rule pack the collector knows; nil for a rule it
        /// does not know.
        public var guidance: RuleGuidance?

        public init(finding: FindingState, transitions: [FindingTransition], guidance: RuleGuidance? = nil) {
            self.finding = finding
            self.transitions = transitions
            self.guidance = guidance
        }
    }

    /// An agent's heartbeat (SPEC §6): alive, with its versions and how much it has waiting.
    public struct Heartbeat: Codable, Sendable {
        public var agentVersion: String?
        public var rulesVersion: String?
        public var spoolDepth: Int?
        /// Why the agent refused the rule pack it was told to run, with the version; nil when it
        /// refused none.
        public var rulesFailure: String?

        public init(agentVersion: String?, rulesVersion: String?, spoolDepth: Int?, rulesFailure: String? = nil) {
            self.agentVersion = agentVersion
            self.rulesVersion = rulesVersion
            self.spoolDepth = spoolDepth
            self.rulesFailure = rulesFailure
        }

        enum CodingKeys: String, CodingKey {
            case agentVersion = "agent_version"
            case rulesVersion = "rules_version"
            case spoolDepth = "spool_depth"
            case rulesFailure = "rules_failure"
        }
    }

    /// The reply: the level of the agent's system, which selects the rule parameters, and the
    /// rule pack version the system is assigned, if any.
    public struct HeartbeatReply: Codable, Sendable {
        public var system: String
        public var level: Level
        public var rulePack: AssignedRulePack?

        public init(system: String, level: Level, rulePack: AssignedRulePack? = nil) {
            self.system = system
            self.level = level
            self.rulePack = rulePack
        }

        enum CodingKeys: String, CodingKey {
            case system, level
            case rulePack = "rule_pack"
        }
    }

    /// The pack an agent is told to run: fetched from `/api/v1/rule-packs/VERSION/archive` and
    /// `…/signature`, checked against the keys the agent pins.
    public struct AssignedRulePack: Codable, Sendable, Hashable {
        public var version: String
        public var sha256: String

        public init(version: String, sha256: String) {
            self.version = version
            self.sha256 = sha256
        }
    }

    /// `rules publish`: the archive (base64), its minisign signature, and the public key that
    /// signed it, which the collector checks the upload against.
    public struct RulePackUpload: Codable, Sendable {
        public var archive: String
        public var signature: String
        public var publicKey: String

        public init(archive: String, signature: String, publicKey: String) {
            self.archive = archive
            self.signature = signature
            self.publicKey = publicKey
        }

        enum CodingKeys: String, CodingKey {
            case archive, signature
            case publicKey = "public_key"
        }
    }

    /// `rules assign`: a version for the systems named, or for every system (`all`).
    public struct RulePackAssignRequest: Codable, Sendable {
        public var systems: [String]?
        public var all: Bool?

        public init(systems: [String]? = nil, all: Bool? = nil) {
            self.systems = systems
            self.all = all
        }
    }

    /// `rules status`: what is published and assigned, and what each host runs.
    public struct RulePackStatus: Codable, Sendable {
        public var packs: [RulePackRelease]
        public var assignments: [RulePackAssignment]
        public var hosts: [HostRulePack]

        public init(packs: [RulePackRelease], assignments: [RulePackAssignment], hosts: [HostRulePack]) {
            self.packs = packs
            self.assignments = assignments
            self.hosts = hosts
        }
    }

    public struct HostRulePack: Codable, Sendable, Hashable {
        public var agentID: String
        public var hostname: String
        public var system: String
        public var status: EnrolledHost.Status
        /// The version its system is assigned; nil when none is (it runs its local pack).
        public var assigned: String?
        /// The version it said it runs in its last heartbeat.
        public var running: String?
        /// Why it refused the assigned version, if it did.
        public var failure: String?
        public var lastSeen: Timestamp?

        public init(
            agentID: String, hostname: String, system: String, status: EnrolledHost.Status, assigned: String?, running: String?,
            failure: String?, lastSeen: Timestamp?
        ) {
            self.agentID = agentID
            self.hostname = hostname
            self.system = system
            self.status = status
            self.assigned = assigned
            self.running = running
            self.failure = failure
            self.lastSeen = lastSeen
        }

        /// Whether it runs what it was assigned (or nothing is assigned).
        public var isCurrent: Bool { assigned == nil || assigned == running }

        enum CodingKeys: String, CodingKey {
            case hostname, system, status, assigned, running, failure
            case agentID = "agent_id"
            case lastSeen = "last_seen"
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
