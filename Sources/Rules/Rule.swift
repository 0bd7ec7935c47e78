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
    /// Links to the documentation of the setting or behaviour the rule checks.
    public var references: [String] = []
    public var parameters: LevelParameters
    public var body: RuleBody
    /// Where an imported rule came from; nil for the pack's own rules.
    public var sigma: SigmaOrigin?
    public var location: SourceLocation

    public func applies(at level: Level) -> Bool { levels.contains(level) }

    /// What the collector shows with the rule's findings.
    public var guidance: RuleGuidance { RuleGuidance(remediation: remediation, references: references) }
}

/// What a rule reads. Host rules join this list as a case of their own.
public enum RuleBody: Sendable {
    case journal(JournalRule)
    /// Certificates, endpoints and key files.
    case posture(PostureRule)
}

/// A rule converted from a Sigma rule (`canh-agent rules import-sigma`): the original's
/// identity, kept for credit and for re-import. Such a rule may cite no requirement and carry
/// no embedded tests until someone maps and tests it.
public struct SigmaOrigin: Sendable, Hashable {
    public var id: String
    public var title: String
    public var author: String?
    public var license: String?
    public var references: [String]

    public init(id: String, title: String, author: String?, license: String?, references: [String]) {
        self.id = id
        self.title = title
        self.author = author
        self.license = license
        self.references = references
    }
}
