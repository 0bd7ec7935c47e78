import Synchronization

/// What to do about a rule's findings: the rule's remediation text and links to the
/// documentation of the settings it checks. The collector learns it from the rule pack and shows
/// it wherever people read findings (`findings show`, alerts, reports, the console).
public struct RuleGuidance: Sendable, Hashable, Codable {
    public var remediation: LocalizedText
    public var references: [String]

    public init(remediation: LocalizedText, references: [String] = []) {
        self.remediation = remediation
        self.references = references
    }
}

/// The collector's guidance for every rule id it knows: the installed pack's, overlaid by the
/// newest pack published to it (`rules publish`), which agents run once assigned. Replaced whole
/// when a newer pack is published.
public final class RuleGuideBook: Sendable {
    private let state: Mutex<(version: String?, entries: [String: RuleGuidance])>

    public init(_ entries: [String: RuleGuidance] = [:]) {
        state = Mutex((nil, entries))
    }

    public func guidance(for rule: String) -> RuleGuidance? { state.withLock { $0.entries[rule] } }

    /// The version of the published pack it holds, nil for the installed one only.
    public var publishedVersion: String? { state.withLock { $0.version } }

    /// Adds (overriding) the guidance of a published pack's rules.
    public func overlay(_ entries: [String: RuleGuidance], version: String) {
        state.withLock { state in
            state.entries.merge(entries) { _, published in published }
            state.version = version
        }
    }
}
