public import CanhModel

/// A change worth telling people about (issue 9): what happened to a finding, or to a host.
public enum AlertTransition: String, Sendable, Hashable, CaseIterable, Codable {
    /// A finding was seen for the first time.
    case opened = "open"
    /// A resolved finding failed again.
    case reopened
    /// A finding came back at a higher severity.
    case severityRaised = "severity_raised"
    case resolved
    /// An exception ran out while the check still fails.
    case exceptionExpired = "exception_expired"
    /// A host missed three heartbeats.
    case hostStale = "host_stale"
}

/// `[[alerts.rules]]` of collector.toml: which changes go to which channels. Every filter left
/// empty lets everything through.
public struct AlertRule: Sendable, Hashable {
    public var name: String
    public var minimumSeverity: Severity?
    /// Rule ids, with `*` standing for any run of characters: `auth.*`, `tls.cert.expir*`.
    public var rulePatterns: [String]
    public var systems: [String]
    public var owners: [String]
    public var levels: [Level]
    public var transitions: [AlertTransition]
    public var channels: [String]

    public init(
        name: String, minimumSeverity: Severity? = nil, rulePatterns: [String] = [], systems: [String] = [], owners: [String] = [],
        levels: [Level] = [], transitions: [AlertTransition] = [], channels: [String]
    ) {
        self.name = name
        self.minimumSeverity = minimumSeverity
        self.rulePatterns = rulePatterns
        self.systems = systems
        self.owners = owners
        self.levels = levels
        self.transitions = transitions
        self.channels = channels
    }

    /// Whether the event passes every filter of the rule.
    public func matches(_ event: AlertEvent) -> Bool {
        (transitions.isEmpty || transitions.contains(event.transition))
            && (minimumSeverity.map { event.severity.rank >= $0.rank } ?? true)
            && (rulePatterns.isEmpty || rulePatterns.contains { Self.glob($0, matches: event.rule) })
            && (systems.isEmpty || systems.contains(event.system.id))
            && (owners.isEmpty || owners.contains(event.system.owner))
            && (levels.isEmpty || levels.contains(event.system.level))
    }

    /// `*` matches any run of characters (dots included); everything else matches itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let found = rest.firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}

/// One change, with what the rules filter on.
public struct AlertEvent: Sendable, Hashable {
    public var transition: AlertTransition
    /// The rule id of the finding (`host.stale` for a host that went silent).
    public var rule: String
    public var severity: Severity
    public var system: InformationSystem
    public var host: String
    /// The finding's fingerprint, or the agent id of a stale host.
    public var subject: String
    public var at: Timestamp

    public init(
        transition: AlertTransition, rule: String, severity: Severity, system: InformationSystem, host: String, subject: String,
        at: Timestamp
    ) {
        self.transition = transition
        self.rule = rule
        self.severity = severity
        self.system = system
        self.host = host
        self.subject = subject
        self.at = at
    }

    /// The same for every delivery of this event on every channel and after every restart, so a
    /// receiver can drop repeats: subject, transition and time.
    public var idempotencyKey: String { StableDigest.hex(of: [subject, transition.rawValue, at.iso8601]) }
}

/// The configured rules: which channels an event goes to.
public struct AlertRouting: Sendable {
    public var rules: [AlertRule]

    public init(rules: [AlertRule]) { self.rules = rules }

    /// Each channel once, in the order the rules name them, with the first rule that sent it there.
    public func deliveries(for event: AlertEvent) -> [(channel: String, rule: String)] {
        var seen = Set<String>()
        var result: [(channel: String, rule: String)] = []
        for rule in rules where rule.matches(event) {
            for channel in rule.channels where seen.insert(channel).inserted { result.append((channel, rule.name)) }
        }
        return result
    }
}
