public import CanhModel

/// One automated check of the rule pack (SPEC §4): metadata shared by every kind of rule, and
/// the body that says what it reads and when it fires.
public struct Rule: Sendable {
    public var id: String
    public var severity: Severity
    /// The levels at which the rule applies.
    public var levels: [Level]
    /// Requirement ids of `requirements.yaml` that this rule provides evidence for.
    public var requirements: [String]
    public var title: LocalizedText
    public var remediation: LocalizedText
    public var parameters: LevelParameters
    public var body: RuleBody
    public var location: SourceLocation

    public func applies(at level: Level) -> Bool { levels.contains(level) }
}

/// What a rule reads. Host rules join this list as a case of their own.
public enum RuleBody: Sendable {
    case journal(JournalRule)
    /// Certificates, endpoints and key files.
    case posture(PostureRule)
}
