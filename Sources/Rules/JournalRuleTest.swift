public import CanhModel

/// A test embedded in a journal rule: entries, and the findings they must produce at a level.
public struct JournalRuleTest: Sendable {
    public var name: String
    public var level: Level
    public var host: String
    public var entries: [TestEntry]
    /// The findings the entries must produce, in order; empty means "must not fire".
    public var expected: [ExpectedFinding]
    public var location: SourceLocation
}

/// One journal entry of a test, with its time resolved.
public struct TestEntry: Sendable, Hashable {
    public var time: Timestamp
    public var bootID: BootID
    /// Field name → value, as UTF-8 bytes.
    public var fields: [String: [UInt8]]
}

/// What a produced finding must look like; unset properties are not checked.
public struct ExpectedFinding: Sendable, Hashable {
    public var entity: String
    public var count: Int?
    public var outcome: Outcome
    public var evidence: [String: String]
    public var location: SourceLocation

    public init(entity: String, count: Int?, outcome: Outcome, evidence: [String: String], location: SourceLocation) {
        self.entity = entity
        self.count = count
        self.outcome = outcome
        self.evidence = evidence
        self.location = location
    }
}
