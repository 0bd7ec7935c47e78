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
    public var key: String
    public var transition: AlertTransition
    /// The `[[alerts.rules]]` that sent it to this channel.
    public var alertRule: String
    public var at: Timestamp
    public var system: InformationSystem
    public var host: String
    public var finding: FindingState?

    public init(
        key: String, transition: AlertTransition, alertRule: String, at: Timestamp, system: InformationSystem, host: String,
        finding: FindingState?
    ) {
        self.key = key
        self.transition = transition
        self.alertRule = alertRule
        self.at = at
        self.system = system
        self.host = host
        self.finding = finding
    }

    enum CodingKeys: String, CodingKey {
        case key, transition, at, system, host, finding
        case alertRule = "alert_rule"
    }
}

/// A message waiting in, or gone through, the collector's outbox for one channel.
public struct QueuedAlert: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, sent, dead
    }

    public var id: Int64
    public var channel: String
    public var state: State
    public var attempts: Int
    public var lastError: String?
    public var message: AlertMessage

    public init(id: Int64, channel: String, state: State, attempts: Int, lastError: String?, message: AlertMessage) {
        self.id = id
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, state, attempts, message
        case lastError = "last_error"
    }
}
