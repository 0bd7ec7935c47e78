/// What a check concluded about one entity (SPEC §5).
public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The rule found a problem (a detection, or a state that violates the requirement).
    case fail
    /// A state check found the requirement met; delivered so compliance can be shown.
    case pass
    /// The check could not run (unreadable file, corrupted journal, unreachable endpoint).
    case error
}
