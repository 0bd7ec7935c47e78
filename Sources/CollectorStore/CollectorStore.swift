public import Alerts
public import CanhModel

/// How alerts were delivered over a period (indicator 20 of plan 155/KH-UBND).
public struct AlertDeliverySummary: Sendable, Hashable {
    public var sentBySystem: [String: Int]
    public var deadBySystem: [String: Int]
    public var sent: Int

    public init(sentBySystem: [String: Int] = [:], deadBySystem: [String: Int] = [:], sent: Int = 0) {
        self.sentBySystem = sentBySystem
        self.deadBySystem = deadBySystem
        self.sent = sent
    }
}

/// Everything the collector keeps, behind one interface: SQLite now, PostgreSQL later, with the
/// same callers. Every method is one transaction.
public protocol CollectorStore: Sendable {
    /// A trivial read: whether the store answers (the service watchdog asks it).
    func ping() async throws(StoreError)
    /// Tells the query planner how the tables are spread (how many findings per rule, host,
    /// status…), so that a filter walks its most selective index. `serve` calls it hourly.
    func refreshStatistics() async throws(StoreError)

    // MARK: Inventory
    func addSystem(_ system: InformationSystem) async throws(StoreError)
    func updateSystem(_ system: InformationSystem) async throws(StoreError)
    func removeSystem(id: String) async throws(StoreError)
    func system(id: String) async throws(StoreError) -> InformationSystem?
    func systems() async throws(StoreError) -> [InformationSystem]

    func addHost(_ host: EnrolledHost) async throws(StoreError)
    func host(agentID: String) async throws(StoreError) -> EnrolledHost?
    func hosts(system: String?) async throws(StoreError) -> [EnrolledHost]
    func setHostStatus(agentID: String, _ status: EnrolledHost.Status) async throws(StoreError)
    /// An agent's heartbeat: it is alive, with these versions, and why it refused the rule pack
    /// it was told to run (nil: it refused none).
    func recordHeartbeat(agentID: String, agentVersion: String?, rulesVersion: String?, rulesFailure: String?, at time: Timestamp)
        async throws(StoreError)
    /// The days (in Vietnam's time, days since 1970-01-01) each host reported on, by agent id,
    /// from `first` to `last` inclusive: a heartbeat or a batch marks its day.
    func reportingDays(from first: Int64, through last: Int64) async throws(StoreError) -> [String: Set<Int64>]
    /// Alert delivery in `[from, until)`, by system: messages about it sent, and messages about
    /// it that could not be sent (dead); and how many messages were sent in all.
    func alertDelivery(from: Timestamp, until: Timestamp) async throws(StoreError) -> AlertDeliverySummary

    // MARK: Access
    /// Adds a user with the SHA-256 (hex) of their API token.
    func addUser(_ user: User, tokenHash: String) async throws(StoreError)
    func user(tokenHash: String) async throws(StoreError) -> User?
    func users() async throws(StoreError) -> [User]
    func addEnrollmentToken(_ token: EnrollmentToken, tokenHash: String) async throws(StoreError)
    /// Uses up one use of the enrollment token and adds the host to the token's system, in one
    /// transaction; refused when the token is unknown, expired or used up, and when another host
    /// holds the host name or, not revoked, the machine id — unless `replace`, which revokes that
    /// one host and gives the new one its name (and, in the same system, its findings).
    func enroll(tokenHash: String, host: EnrolledHost, replace: Bool, at time: Timestamp) async throws(StoreError) -> EnrollmentOutcome
    func recordAudit(_ entry: AuditEntry) async throws(StoreError)
    func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry]

    // MARK: Findings
    /// Stores a batch of records from one host, all or nothing: records already stored (same id)
    /// are skipped, the others folded into their finding states. `certificates` are what the
    /// collector read from the DER the records carried, with the places this host saw them.
    func ingest(_ records: [FindingRecord], certificates: [CertificateRecord], from host: EnrolledHost, at time: Timestamp)
        async throws(StoreError) -> IngestSummary
    func findings(_ filter: FindingFilter) async throws(StoreError) -> [FindingState]
    func finding(fingerprint: String) async throws(StoreError) -> FindingState?
    /// A person's change: acknowledge, resolve, or except until a time.
    func changeFinding(_ change: FindingChange) async throws(StoreError) -> FindingState
    func transitions(fingerprint: String) async throws(StoreError) -> [FindingTransition]
    /// Comments and assignments of a finding, oldest first.
    func notes(fingerprint: String) async throws(StoreError) -> [FindingNote]
    /// How many findings the filter matches (its limit aside), counting no further than `upTo`.
    func countFindings(_ filter: FindingFilter, upTo: Int) async throws(StoreError) -> Int
    /// The findings the filter matches grouped by rule and system, highest severity and largest
    /// first, at most `filter.limit` groups. When the filter is on more than system, rule,
    /// severity and status (a host, a time, a text), only the newest `scanLimit` findings it
    /// matches are grouped.
    func findingGroups(_ filter: FindingFilter, scanLimit: Int) async throws(StoreError) -> [FindingGroup]
    /// Whether the filter is answered from the tallies: counted and grouped whole, however many
    /// findings it matches.
    func countsWhole(_ filter: FindingFilter) -> Bool
    /// How many open findings there are of each severity.
    func openFindingsBySeverity() async throws(StoreError) -> [Severity: Int]
    /// How many open findings each system has.
    func openFindingsBySystem() async throws(StoreError) -> [String: Int]
    /// Applies one action to every finding the filter matches (its limit aside), in one
    /// transaction with one history entry and one audit entry per finding changed; refused
    /// whole when the filter no longer matches `expected` findings (what the person confirmed).
    func changeFindings(_ filter: FindingFilter, expected: Int, action: BulkFindingAction, actor: String, at time: Timestamp)
        async throws(StoreError) -> BulkChangeSummary

    // MARK: Console sessions
    func addConsoleSession(_ session: ConsoleSession, idHash: String) async throws(StoreError)
    /// The session and its user as they are now (the user's role may have changed since).
    func consoleSession(idHash: String) async throws(StoreError) -> (session: ConsoleSession, user: User)?
    func touchConsoleSession(idHash: String, at time: Timestamp) async throws(StoreError)
    /// Ends one session (`idHash`) or every session of a user; returns how many were ended.
    func revokeConsoleSessions(idHash: String?, user: String?, at time: Timestamp) async throws(StoreError) -> Int

    // MARK: Alerts
    /// The outbox, newest first: messages queued with the state changes that caused them.
    func queuedAlerts(state: QueuedAlert.State?, limit: Int) async throws(StoreError) -> [QueuedAlert]
    /// How many messages the outbox holds in each of `states`.
    func alertCounts(_ states: [QueuedAlert.State]) async throws(StoreError) -> [QueuedAlert.State: Int]
    /// Pending messages whose next attempt is due at `time`, oldest first.
    func dueAlerts(at time: Timestamp, limit: Int) async throws(StoreError) -> [DueAlert]
    /// Just before a due message is sent: keeps it this collector's for another claim period and
    /// says whether it still is. With several collectors on one store, a message whose claim ran
    /// out (its collector was slow or died) may have been claimed by another, which sends it.
    func renewClaim(alert id: Int64, at time: Timestamp) async throws(StoreError) -> Bool
    /// What became of attempts (or of decisions not to make one), in one transaction: all of
    /// them or, when a message is not in the outbox, none.
    func recordAlertOutcomes(_ outcomes: [(id: Int64, outcome: AlertOutcome)], at time: Timestamp) async throws(StoreError)
    /// Alerts (not digests) sent on a channel since a time, of one system and rule when named:
    /// what throttling counts.
    func sentAlerts(channel: String, system: String?, rule: String?, since: Timestamp) async throws(StoreError) -> Int
    /// Folds the suppressed messages of each (channel, system, rule) whose oldest was suppressed
    /// before `before` into one digest message, queued in their place; returns how many digests.
    func queueDigests(suppressedBefore before: Timestamp, windowMinutes: Int, at time: Timestamp) async throws(StoreError) -> Int
    /// Queues a `host_stale` alert for every active host silent for `staleAfter`, once per silence
    /// (the key holds the time it went stale); returns how many hosts were newly stale.
    func queueStaleHostAlerts(staleAfter: TimeSpan, at time: Timestamp) async throws(StoreError) -> Int
    /// Sends dead messages again (those with `ids`, or all when empty): pending, attempts reset.
    func retryAlerts(ids: [Int64], at time: Timestamp) async throws(StoreError) -> Int

    // MARK: Attestations
    /// Records that a manual requirement is met by a system; refused when the system is unknown.
    func addAttestation(_ attestation: Attestation) async throws(StoreError)
    /// Every attestation (of `system`, when named), newest first.
    func attestations(system: String?) async throws(StoreError) -> [Attestation]
    /// Withdraws every attestation of the requirement for the system; returns how many there were.
    func withdrawAttestations(system: String, requirement: String) async throws(StoreError) -> Int

    // MARK: Rule packs
    /// Keeps a published pack; refused when its version is published already.
    func addRulePack(_ release: RulePackRelease, archive: [UInt8], signature: String) async throws(StoreError)
    /// Every published pack, the newest publication first.
    func rulePacks() async throws(StoreError) -> [RulePackRelease]
    /// A published pack's archive and minisign signature.
    func rulePackFiles(version: String) async throws(StoreError) -> (archive: [UInt8], signature: String)?
    /// Replaces the assignments of the systems named (or the one for every system) in one
    /// transaction; refused whole when a version or a system is unknown.
    func assignRulePack(_ assignments: [RulePackAssignment]) async throws(StoreError)
    func rulePackAssignments() async throws(StoreError) -> [RulePackAssignment]

    // MARK: Certificates
    /// Certificates seen by any host (of `system`, when named), optionally only those expiring
    /// before a time, soonest first.
    func certificates(system: String?, expiringBefore: Timestamp?) async throws(StoreError) -> [CertificateRecord]
}

extension CollectorStore {
    /// A heartbeat of an agent that has refused no rule pack.
    public func recordHeartbeat(agentID: String, agentVersion: String?, rulesVersion: String?, at time: Timestamp) async throws(StoreError)
    {
        try await recordHeartbeat(agentID: agentID, agentVersion: agentVersion, rulesVersion: rulesVersion, rulesFailure: nil, at: time)
    }
}

/// A host enrolled, and the host it replaced, if any.
public struct EnrollmentOutcome: Sendable, Hashable {
    public var host: EnrolledHost
    public var replaced: EnrolledHost?
    /// How many findings moved from the replaced host to the new one.
    public var findingsMoved: Int

    public init(host: EnrolledHost, replaced: EnrolledHost? = nil, findingsMoved: Int = 0) {
        self.host = host
        self.replaced = replaced
        self.findingsMoved = findingsMoved
    }
}

/// Which finding states a query wants; nil means any.
public struct FindingFilter: Sendable, Hashable {
    public var system: String?
    public var host: String?
    public var rule: String?
    /// At or above this severity.
    public var minimumSeverity: Severity?
    public var status: FindingStatus?
    /// Seen at or after this time.
    public var since: Timestamp?
    /// Found in the entity (an address, a user, a path, a certificate's fingerprint), ASCII
    /// letters in either case.
    public var text: String?
    /// One finding, by its fingerprint.
    public var fingerprint: String?
    public var limit: Int

    public init(
        system: String? = nil, host: String? = nil, rule: String? = nil, minimumSeverity: Severity? = nil, status: FindingStatus? = nil,
        since: Timestamp? = nil, text: String? = nil, limit: Int = 1000
    ) {
        self.text = text
        self.system = system
        self.host = host
        self.rule = rule
        self.minimumSeverity = minimumSeverity
        self.status = status
        self.since = since
        self.limit = limit
    }
}

/// A person acknowledging, resolving or excepting a finding.
public struct FindingChange: Sendable, Hashable {
    public var fingerprint: String
    public var status: FindingStatus
    public var reason: String
    /// Required for `excepted`: when the exception ends.
    public var until: Timestamp?
    /// `user:NAME`.
    public var actor: String
    public var at: Timestamp

    public init(fingerprint: String, status: FindingStatus, reason: String, until: Timestamp? = nil, actor: String, at: Timestamp) {
        self.fingerprint = fingerprint
        self.status = status
        self.reason = reason
        self.until = until
        self.actor = actor
        self.at = at
    }
}

extension CollectorStore {
    /// How many findings the filter matches (its limit aside).
    public func countFindings(_ filter: FindingFilter) async throws(StoreError) -> Int {
        try await countFindings(filter, upTo: .max)
    }

    /// Stores a batch of records that describe no certificate.
    public func ingest(_ records: [FindingRecord], from host: EnrolledHost, at time: Timestamp) async throws(StoreError) -> IngestSummary {
        try await ingest(records, certificates: [], from: host, at: time)
    }

    /// How many messages the outbox holds in every state.
    public func alertCounts() async throws(StoreError) -> [QueuedAlert.State: Int] {
        try await alertCounts(QueuedAlert.State.allCases)
    }
}

/// A pending message as the dispatcher first sees it: what throttling and maintenance windows
/// decide on, with the message itself read only when it is sent (under a flood of throttled
/// alerts, reading every message cost more than storing the findings that caused them).
public struct DueAlert: Sendable, Hashable {
    public var id: Int64
    public var channel: String
    public var attempts: Int
    public var key: String
    public var kind: AlertMessage.Kind
    public var systemID: String
    public var rule: String
    /// The message as queued, and the maintenance window that held it back, in the outbox's JSON.
    let text: String
    let heldText: String?

    package init(
        id: Int64, channel: String, attempts: Int, key: String, kind: AlertMessage.Kind, systemID: String, rule: String, text: String,
        heldText: String?
    ) {
        self.id = id
        self.channel = channel
        self.attempts = attempts
        self.key = key
        self.kind = kind
        self.systemID = systemID
        self.rule = rule
        self.text = text
        self.heldText = heldText
    }

    /// The message to send, with the maintenance window that held it back, if one did.
    public func message() throws(StoreError) -> AlertMessage {
        do {
            return try AlertOutbox.message(text, held: heldText)
        } catch {
            throw .database("queued alert \(id) cannot be read: \(error)")
        }
    }
}

/// What the dispatcher decided or learnt about one queued message.
public enum AlertOutcome: Sendable, Hashable {
    case sent
    /// The attempt failed: try again at `retryAt`, or give up (dead) when it is nil.
    case failed(String, retryAt: Timestamp?)
    /// A maintenance window of its system holds it until the window ends.
    case held(MaintenanceWindow)
    /// Over a throttle limit: counted in the next digest instead.
    case suppressed
}
