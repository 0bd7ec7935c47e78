public import CanhModel

extension AlertTransition {
    /// What a change of a finding means for alerting, or nil when it alerts no one: a new
    /// finding that opened, one that failed again after being resolved or after its exception
    /// ran out, one resolved (by a passing check or a person), and an open finding that came
    /// back more severe. Acknowledging and excepting are people's own actions.
    public static func of(previous: FindingState?, current: FindingState, change: FindingTransition?) -> AlertTransition? {
        if let change {
            switch (change.from, change.to) {
            case (nil, .open): return .opened
            case (.resolved, .open): return .reopened
            case (.excepted, .open): return .exceptionExpired
            case (.open, .resolved), (.acknowledged, .resolved), (.excepted, .resolved): return .resolved
            default: return nil
            }
        }
        guard let previous, current.status == .open || current.status == .acknowledged,
            current.severity.rank > previous.severity.rank
        else { return nil }
        return .severityRaised
    }
}

/// What a channel sends: the event with the finding, its system and host, and the key that
/// makes repeats recognisable. Stored as JSON in the outbox with the state change that caused it.
public struct AlertMessage: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// One change of one finding or host.
        case alert
        /// What throttling held back: how many more of one rule on one system.
        case digest
        /// `canh-collector alerts test CHANNEL`.
        case test
    }

    public var key: String
    public var kind: Kind
    /// Nil for digests and tests.
    public var transition: AlertTransition?
    /// The `[[alerts.rules]]` that sent it to this channel.
    public var alertRule: String
    public var at: Timestamp
    public var system: InformationSystem
    /// Nil for a digest, which may cover several hosts.
    public var host: String?
    /// The rule id: the finding's, or `host.stale`.
    public var rule: String
    public var severity: Severity
    public var finding: FindingState?
    public var digest: AlertDigest?
    /// Set when a maintenance window of the system held the alert back until it ended.
    public var heldBack: MaintenanceWindow?
    /// What to do about the rule's findings, added by the collector when it sends the message
    /// (from the newest rule pack it knows), not kept in the outbox.
    public var guidance: RuleGuidance?

    public init(
        key: String, kind: Kind = .alert, transition: AlertTransition?, alertRule: String, at: Timestamp, system: InformationSystem,
        host: String?, rule: String, severity: Severity, finding: FindingState? = nil, digest: AlertDigest? = nil,
        heldBack: MaintenanceWindow? = nil
    ) {
        self.key = key
        self.kind = kind
        self.transition = transition
        self.alertRule = alertRule
        self.at = at
        self.system = system
        self.host = host
        self.rule = rule
        self.severity = severity
        self.finding = finding
        self.digest = digest
        self.heldBack = heldBack
    }

    /// The host-stale rule id, so that rule patterns and throttling treat silent hosts like findings.
    public static let hostStaleRule = "host.stale"

    enum CodingKeys: String, CodingKey {
        case key, kind, transition, at, system, host, rule, severity, finding, digest, guidance
        case alertRule = "alert_rule"
        case heldBack = "held_back"
    }
}

/// What throttling folded into one message: `count` more alerts of `rule` on the system between
/// `since` and `until`.
public struct AlertDigest: Sendable, Hashable, Codable {
    public var count: Int
    public var since: Timestamp
    public var until: Timestamp
    /// The throttle window the count is about, in minutes.
    public var windowMinutes: Int

    public init(count: Int, since: Timestamp, until: Timestamp, windowMinutes: Int) {
        self.count = count
        self.since = since
        self.until = until
        self.windowMinutes = windowMinutes
    }

    enum CodingKeys: String, CodingKey {
        case count, since, until
        case windowMinutes = "window_minutes"
    }
}

/// `[[alerts.maintenance]]`: planned work on a system, during which its alerts wait and are sent
/// when the window ends, each saying it was held back.
public struct MaintenanceWindow: Sendable, Hashable, Codable {
    public var system: String
    public var from: Timestamp
    public var until: Timestamp
    public var reason: String

    public init(system: String, from: Timestamp, until: Timestamp, reason: String) {
        self.system = system
        self.from = from
        self.until = until
        self.reason = reason
    }

    public func covers(_ time: Timestamp) -> Bool { from <= time && time < until }
}

/// A message waiting in, or gone through, the collector's outbox for one channel.
public struct QueuedAlert: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for its first or next attempt (or for a maintenance window to end).
        case pending
        case sent
        /// Out of attempts: listed by `alerts list --state dead`, sent again by `alerts retry`.
        case dead
        /// Over a throttle limit: waiting to be counted in a digest.
        case suppressed
        /// Counted in a digest that was queued in its place.
        case digested
    }

    public var id: Int64
    public var channel: String
    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Timestamp
    public var nextAttemptAt: Timestamp
    public var sentAt: Timestamp?
    public var message: AlertMessage

    public init(
        id: Int64, channel: String, state: State, attempts: Int, lastError: String?, createdAt: Timestamp, nextAttemptAt: Timestamp,
        sentAt: Timestamp?, message: AlertMessage
    ) {
        self.id = id
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, state, attempts, message
        case lastError = "last_error"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case sentAt = "sent_at"
    }
}

/// `POST /api/v1/alerts/retry`: the dead messages to send again; none named: all of them.
public struct AlertRetryRequest: Sendable, Hashable, Codable {
    public var ids: [Int64]

    public init(ids: [Int64]) { self.ids = ids }
}

/// How many dead messages went back to pending.
public struct AlertRetryReply: Sendable, Hashable, Codable {
    public var retried: Int

    public init(retried: Int) { self.retried = retried }
}
