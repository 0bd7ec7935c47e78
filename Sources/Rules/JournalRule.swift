public import CanhModel

/// A rule over journal entries: how it detects, what the finding is about, and its tests.
public struct JournalRule: Sendable {
    public var detection: JournalDetection
    public var entity: JournalEntity
    public var tests: [JournalRuleTest]
}

/// How a journal rule decides to fire. One case per rule kind; the engine has one evaluator each.
public enum JournalDetection: Sendable {
    /// Every entry that matches is a finding.
    case event(matchers: [EntryMatcher])
    /// `count` matching entries (or distinct values of a capture) of one group within `window`;
    /// fires once per group and window.
    case threshold(matchers: [EntryMatcher], threshold: ThresholdSpec)
    /// `count` entries matching `first`, then one matching `then`, from the same group within `window`.
    case sequence(SequenceSpec)
    /// Two consecutive entries of the same boot further apart than `maxSilence`.
    case gap(maxSilence: Parameterized<TimeSpan>)
}

/// What a journal finding is about: a captured value, the host, or the boot.
public enum JournalEntity: Sendable, Hashable {
    case capture(String)
    case host
    case bootID
}

/// Conditions one entry must meet: field values, a regex on MESSAGE, and conditions on its captures.
public struct EntryMatcher: Sendable {
    public var fields: [FieldCondition]
    /// A PCRE2 pattern on MESSAGE; named groups become captures.
    public var message: MessagePattern?
    /// How named captures are checked and normalised.
    public var captureTypes: [String: CaptureType]
    /// Conditions on captured values.
    public var captureConditions: [CaptureCondition]
    /// How much one matching entry counts toward a threshold (default 1): an explicit
    /// "cannot synchronise" can weigh as much as several timeouts.
    public var weight: Parameterized<Int>?
    public var location: SourceLocation
    public var path: String
}

public struct MessagePattern: Sendable, Hashable {
    public var source: String
    public var location: SourceLocation
    public var path: String
}

/// A condition on one journal field.
public struct FieldCondition: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        /// The value equals one of these.
        case oneOf([String])
        /// The value is a whole number within the range (e.g. PRIORITY at most 3).
        case numberIn(ClosedRange<Int>)
    }

    public var field: String
    public var test: Test
}

/// How a named capture is validated and normalised before use.
public enum CaptureType: String, Sendable, Hashable, CaseIterable {
    /// Any text.
    case text
    /// An IPv4 or IPv6 address; `::ffff:a.b.c.d` becomes `a.b.c.d`. Anything else fails the match,
    /// so text that only looks like an address (a forged user name) cannot become a source.
    case ip
    /// An address as `ip`, or a host name as daemons write it with `UseDNS yes` (letters,
    /// digits, hyphens and dots; lower-cased); anything else fails the match.
    case source
}

/// A condition on a captured value.
public struct CaptureCondition: Sendable, Hashable {
    public var capture: String
    /// Whether the value must be in the list (true) or must not be (false).
    public var isMember: Bool
    public var values: Parameterized<[String]>
    public var location: SourceLocation
}

public struct ThresholdSpec: Sendable, Hashable {
    public var groupBy: [String]
    public var count: Parameterized<Int>
    /// Count distinct values of this capture instead of entries.
    public var distinct: String?
    public var window: Parameterized<TimeSpan>
    /// Entries of different alternatives of `match` within this span of each other are one
    /// attempt: sshd's "Failed password" and PAM's "authentication failure" for the same try.
    public var sameAttempt: TimeSpan?
    public var location: SourceLocation
}

public struct SequenceSpec: Sendable {
    public var groupBy: [String]
    public var window: Parameterized<TimeSpan>
    /// As `ThresholdSpec.sameAttempt`, for the `first` entries.
    public var sameAttempt: TimeSpan?
    public var first: [EntryMatcher]
    public var firstCount: Parameterized<Int>
    public var then: [EntryMatcher]
    public var location: SourceLocation
}
