public import CanhModel

/// What a journal engine remembers between entries (the windows of threshold and sequence rules,
/// the last entry of each boot for gap rules), as plain data: the agent checkpoints it with the
/// journal cursor so that a restart neither forgets nor double-counts (SPEC §6).
///
/// Kept by rule id: after a reload or a level change, rules still present take their state
/// back, and rules gone or new start empty.
public struct JournalEngineState: Sendable, Equatable, Codable {
    public var rules: [String: RuleState]

    public init(rules: [String: RuleState] = [:]) { self.rules = rules }

    public var isEmpty: Bool { rules.isEmpty }
}

/// One rule's memory.
public enum RuleState: Sendable, Equatable, Codable {
    /// Groups of a windowed rule, by group key.
    case windows([WindowGroupState])
    /// The last entry time of each boot seen by a gap rule, and the boot of the last entry.
    case boots(lastSeen: [BootTime], current: BootID?)
}

/// One group of a windowed rule: the entries still in its window and when it last fired.
public struct WindowGroupState: Sendable, Equatable, Codable {
    public var key: String
    /// Microseconds since the epoch, oldest first.
    public var times: [Int64]
    public var weights: [Int]
    /// Only for distinct counts: the counted value of each entry.
    public var values: [String]
    public var lastFired: Int64?
}

public struct BootTime: Sendable, Equatable, Codable {
    public var boot: BootID
    public var time: Int64
}
