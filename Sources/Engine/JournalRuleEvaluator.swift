import CanhModel
import Rules

/// Which matcher of a rule an entry satisfied: the rule's matchers, or for sequences the
/// `first` or `then` matchers.
enum MatcherRole: Int {
    case match = 0
    case then = 1
}

/// One rule kind's evaluation state and logic. One conforming class per file in `Kinds/`.
protocol JournalRuleEvaluator: AnyObject {
    var context: RuleContext { get }
    /// An entry satisfied one of the rule's matchers: `alternative` is its position in the list of
    /// its role.
    func matched(_ role: MatcherRole, alternative: Int, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection?
    /// Drops state that can no longer contribute to a finding at `now`.
    func sweep(at now: Timestamp)
    /// How many groups (sources, boots…) the rule currently remembers.
    var trackedGroups: Int { get }
    /// The rule's memory as data, or nil when it has none.
    func state() -> RuleState?
    /// Takes back memory saved by `state()`; state of another kind is ignored.
    func restore(_ state: RuleState)
}

/// What every evaluator of a compiled rule knows about its rule.
struct RuleContext {
    let summary: RuleSummary
    let level: Level
    let entity: JournalEntity

    /// The entity of a finding about this entry, or nil if the entry lacks the captured value.
    func entity(_ captures: Captures, host: String, event: JournalEvent) -> String? {
        switch entity {
        // Escaped: the collector refuses entities with control characters (a NUL would be stored
        // cut short), and an attacker chooses what a user name capture holds.
        case .capture(let name): captures[name].flatMap { $0.isEmpty ? nil : $0.escapingControlCharacters }
        case .host: host
        case .bootID: event.bootID.description
        }
    }

    /// Whether the entry has its entity's value (always, unless the entity is an empty capture).
    func hasEntity(_ captures: Captures) -> Bool {
        if case .capture(let name) = entity { return captures.hasValue(name) }
        return true
    }

    func detection(
        host: String, entity: String, count: Int, firstSeen: Timestamp, time: Timestamp, evidence: Evidence
    ) -> Detection {
        Detection(
            rule: summary, level: level, host: host, entity: entity, outcome: .fail, count: count,
            firstSeen: firstSeen, time: time, evidence: evidence)
    }
}
