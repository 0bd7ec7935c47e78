public import CanhModel
public import Rules

/// `log.coverage.gap` records the agent makes itself, outside the journal rules: a journal file
/// that cannot be read, a saved position that no longer exists, records lost before reaching the
/// collector. Each says what is not covered and for which time, instead of a silent hole.
public struct CoverageRecord: Sendable {
    public static let rule = "log.coverage.gap"

    private let severity: Severity
    private let requirements: [String]
    private let level: Level
    private let host: String

    public init(pack: RulePack, level: Level, host: String) {
        let rule = pack.rules.first { $0.id == Self.rule }
        severity = rule?.severity ?? .high
        requirements = rule?.requirements ?? []
        self.level = level
        self.host = host
    }

    /// - Parameters:
    ///   - entity: the boot, journal file or spool that has the hole.
    ///   - trigger: what makes this hole unique, so that reporting it again yields the same id.
    public func record(
        outcome: Outcome = .fail, entity: String, trigger: String, time: Timestamp, firstSeen: Timestamp?, count: Int = 1,
        title: LocalizedText, evidence: Evidence
    ) -> FindingRecord {
        // A journal file's name may hold control characters; the collector refuses them in entities.
        let entity = entity.escapingControlCharacters
        let fingerprint = FindingRecord.fingerprint(host: host, rule: Self.rule, entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: trigger), fingerprint: fingerprint,
            rule: Self.rule, outcome: outcome, severity: severity, level: level, requirements: requirements, host: host,
            entity: entity, time: time, firstSeen: firstSeen, count: count, title: title, evidence: evidence)
    }
}
