public import CanhModel
import Rules

/// The metadata of a rule that every finding it produces carries.
public struct RuleSummary: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    public var requirements: [String]
    public var title: LocalizedText

    init(_ rule: Rule) {
        id = rule.id
        severity = rule.severity
        requirements = rule.requirements
        title = rule.title
    }
}

/// A rule firing on an entry, before it gets the identity that makes it a finding record.
public struct Detection: Sendable, Hashable {
    public var rule: RuleSummary
    public var level: Level
    public var host: String
    public var entity: String
    public var outcome: Outcome
    public var count: Int
    public var firstSeen: Timestamp
    public var time: Timestamp
    public var evidence: Evidence

    /// The finding record (SPEC §5).
    /// - Parameters:
    ///   - trigger: what identifies the entry that made the rule fire (its journal cursor), so the
    ///     same entry always yields the same record id, across restarts and re-sends.
    ///   - cursor: the journal cursor to cite in the evidence, when there is one.
    public func record(trigger: String, cursor: String?) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: host, rule: rule.id, entity: entity)
        var evidence = self.evidence
        if let cursor { evidence["cursor"] = .text(cursor) }
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: trigger),
            fingerprint: fingerprint, rule: rule.id, outcome: outcome, severity: rule.severity, level: level,
            requirements: rule.requirements, host: host, entity: entity, time: time, firstSeen: firstSeen,
            count: count, title: rule.title, evidence: evidence)
    }
}
