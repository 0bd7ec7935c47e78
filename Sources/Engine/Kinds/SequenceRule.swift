import CanhModel

/// `type: sequence` — at least `count` entries matching `first`, then one matching `then`, from
/// the same group within `window`. Any `then` entry resets the group (a user who mistyped twice
/// and got in starts afresh); a group fires at most once per window.
final class SequenceRuleEvaluator: JournalRuleEvaluator {
    let context: RuleContext
    private let groupBy: [String]
    private let firstCount: Int
    private let sameAttempt: Int64?
    private let groups: GroupWindows

    init(context: RuleContext, groupBy: [String], firstCount: Int, window: TimeSpan, sameAttempt: TimeSpan?) {
        self.context = context
        self.groupBy = groupBy
        self.firstCount = firstCount
        self.sameAttempt = sameAttempt?.microseconds
        groups = GroupWindows(length: window, tracksValues: false)
    }

    var trackedGroups: Int { groups.count }

    func matched(_ role: MatcherRole, alternative: Int, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        let now = event.time.microsecondsSinceEpoch
        let key = captures.key(groupBy, after: host)
        switch role {
        case .match:
            let group = groups.group(key)
            if let sameAttempt, !group.attempts.begins(at: now, alternative: alternative, span: sameAttempt) { return nil }
            group.window.evict(olderThanWindow: groups.length, at: now)
            group.window.append(now, weight: weight, value: nil)
            return nil
        case .then:
            guard let group = groups.existingGroup(key) else { return nil }
            group.window.evict(olderThanWindow: groups.length, at: now)
            let failures = group.window.count
            let weight = group.window.weight
            let oldest = group.window.oldest
            group.window.removeAll()
            group.attempts.removeAll()
            guard weight >= firstCount, groups.mayFire(group, at: now), let oldest,
                let entity = context.entity(captures, host: host, event: event)
            else {
                if group.lastFired == nil { groups.remove(key) }
                return nil
            }
            group.lastFired = now
            var evidence = captures.evidence
            evidence["failures"] = .number(Int64(failures))
            evidence["window"] = .text(TimeSpan(microseconds: groups.length).description)
            return context.detection(
                host: host, entity: entity, count: failures, firstSeen: Timestamp(microsecondsSinceEpoch: oldest),
                time: event.time, evidence: evidence)
        }
    }

    func sweep(at now: Timestamp) { groups.sweep(at: now.microsecondsSinceEpoch) }

    func state() -> RuleState? { groups.isEmpty ? nil : .windows(groups.state()) }

    func restore(_ state: RuleState) {
        if case .windows(let saved) = state { groups.restore(saved) }
    }
}
