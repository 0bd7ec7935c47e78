import CanhModel

/// `type: threshold` — matching entries of one group within `window` whose weights (1 each unless
/// a matcher says otherwise) add up to `count`, or `count` distinct values of a capture. Fires
/// when the count is reached, then at most once per window for that group while entries keep
/// coming, each time with the count then in the window.
final class ThresholdRuleEvaluator: JournalRuleEvaluator {
    let context: RuleContext
    private let groupBy: [String]
    private let distinct: String?
    private let threshold: Int
    private let sameAttempt: Int64?
    private let groups: GroupWindows

    init(context: RuleContext, groupBy: [String], distinct: String?, threshold: Int, window: TimeSpan, sameAttempt: TimeSpan?) {
        self.context = context
        self.groupBy = groupBy
        self.distinct = distinct
        self.threshold = threshold
        self.sameAttempt = sameAttempt?.microseconds
        groups = GroupWindows(length: window, tracksValues: distinct != nil)
    }

    var trackedGroups: Int { groups.count }

    func matched(_ role: MatcherRole, alternative: Int, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        // An entry without its entity's value never counts; the entity itself is made only to fire.
        guard context.hasEntity(captures) else { return nil }
        let now = event.time.microsecondsSinceEpoch
        let group = groups.group(captures.key(groupBy, after: host))
        if let sameAttempt, !group.attempts.begins(at: now, alternative: alternative, span: sameAttempt) { return nil }
        group.window.evict(olderThanWindow: groups.length, at: now)
        group.window.append(now, weight: weight, value: distinct.flatMap { captures[$0] })
        let weight = distinct == nil ? group.window.weight : group.window.distinctCount
        guard weight >= threshold, groups.mayFire(group, at: now), let oldest = group.window.oldest,
            let entity = context.entity(captures, host: host, event: event)
        else { return nil }
        group.lastFired = now

        var evidence = captures.evidence
        if let distinct {
            evidence["distinct_\(distinct)"] = .list(group.window.distinctValues(maximum: 20))
        }
        evidence["window"] = .text(TimeSpan(microseconds: groups.length).description)
        // The finding counts entries (or distinct values); weights only decide when to fire.
        let count = distinct == nil ? group.window.count : weight
        return context.detection(
            host: host, entity: entity, count: count, firstSeen: Timestamp(microsecondsSinceEpoch: oldest),
            time: event.time, evidence: evidence)
    }

    func sweep(at now: Timestamp) { groups.sweep(at: now.microsecondsSinceEpoch) }

    func state() -> RuleState? { groups.isEmpty ? nil : .windows(groups.state()) }

    func restore(_ state: RuleState) {
        if case .windows(let saved) = state { groups.restore(saved) }
    }
}
