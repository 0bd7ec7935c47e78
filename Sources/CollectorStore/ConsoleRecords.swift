public import CanhModel

/// A person signed in to the web console: kept on the server, found by the SHA-256 of the
/// cookie that carries its id, with the token every form must send back (CSRF).
public struct ConsoleSession: Sendable, Hashable {
    public var user: String
    public var csrfToken: String
    public var createdAt: Timestamp
    public var lastSeen: Timestamp
    public var revokedAt: Timestamp?

    public init(user: String, csrfToken: String, createdAt: Timestamp, lastSeen: Timestamp, revokedAt: Timestamp? = nil) {
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.revokedAt = revokedAt
    }
}

/// The findings of one rule in one system that a filter matches: the rows of the console's queue.
public struct FindingGroup: Sendable, Hashable {
    public var rule: String
    public var system: String
    public var title: LocalizedText
    public var count: Int
    public var highestSeverity: Severity
    /// How many of them are in each status.
    public var statuses: [FindingStatus: Int]

    public init(
        rule: String, system: String, title: LocalizedText, count: Int, highestSeverity: Severity, statuses: [FindingStatus: Int]
    ) {
        self.rule = rule
        self.system = system
        self.title = title
        self.count = count
        self.highestSeverity = highestSeverity
        self.statuses = statuses
    }
}

/// A comment on a finding, or its assignment to a person: part of its timeline beside the
/// status changes.
public struct FindingNote: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case comment, assignment }
    public var fingerprint: String
    public var at: Timestamp
    public var actor: String
    public var kind: Kind
    /// The comment, or the name of the user assigned ("" when unassigned).
    public var text: String

    public init(fingerprint: String, at: Timestamp, actor: String, kind: Kind, text: String) {
        self.fingerprint = fingerprint
        self.at = at
        self.actor = actor
        self.kind = kind
        self.text = text
    }
}

/// What one action of the console does to every finding a filter matches.
public enum BulkFindingAction: Sendable, Hashable {
    /// Acknowledge, resolve or except (with `until`), for a reason.
    case status(FindingStatus, reason: String, until: Timestamp?)
    /// Assign to a user by name, or unassign (nil).
    case assign(String?)
    case comment(String)
}

/// What a bulk action did: findings changed, and those left as they were with why.
public struct BulkChangeSummary: Sendable, Hashable {
    public var matched: Int
    public var changed: Int
    /// Findings the action does not apply to, by the reason (e.g. "the finding is already resolved").
    public var skipped: [String: Int]

    public init(matched: Int, changed: Int, skipped: [String: Int]) {
        self.matched = matched
        self.changed = changed
        self.skipped = skipped
    }
}

/// The columns `finding_tallies` counts findings by.
package struct FindingTally: Hashable, Sendable {
    package var system: String
    package var rule: String
    package var status: FindingStatus
    package var severity: Severity

    package init(_ state: FindingState) {
        system = state.system
        rule = state.rule
        status = state.status
        severity = state.severity
    }
}
