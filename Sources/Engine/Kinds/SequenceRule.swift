import CanhModel

/// `type: sequence` — at least `count` entries matching `first`, then one matching `then`, from
/// the same group within `window`. Any `then` entry resets the group (a user who mistyped twice
/// and got in starts afresh); a group fires at most once per window.
final class SequenceRuleEvaluator: JournalRuleEvaluator {
    private struct Group {
        var window = TimeWindow(tracksValues: false)
        var lastFired: Int64?
    }

    let context: RuleContext
    private let groupBy: [String]
    private let firstCount: Int
    private let window: Int64
    private var groups: [String: Group] = [:]

    init(context: RuleContext, groupBy: [String], firstCount: Int, window: TimeSpan) {
        self.context = context
        self.groupBy = groupBy
        self.firstCount = firstCount
        self.window = window.microseconds
    }

    func matched(_ role: MatcherRole, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        let now = event.time.microsecondsSinceEpoch
        let key = host + "\u{1E}" + captures.key(groupBy)
        switch role {
        case .match:
            groups[key, default: Group()].window.evict(olderThanWindow: window, at: now)
            groups[key, default: Group()].window.append(now, weight: weight, value: nil)
            return nil
        case .then:
            guard var group = groups.removeValue(forKey: key) else { return nil }
            group.window.evict(olderThanWindow: window, at: now)
            let failures = group.window.count
            let weight = group.window.weight
            let oldest = group.window.oldest
            group.window.removeAll()
            let canFire = group.lastFired.map { now - $0 >= window } ?? true
            guard weight >= firstCount, canFire, let oldest,
                let entity = context.entity(captures, host: host, event: event)
            else {
                if group.lastFired != nil { groups[key] = group }
                return nil
            }
            group.lastFired = now
            groups[key] = group
            var evidence = captures.evidence
            evidence["failures"] = .number(Int64(failures))
            evidence["window"] = .text(TimeSpan(microseconds: window).description)
            return context.detection(
                host: host, entity: entity, count: failures, firstSeen: Timestamp(microsecondsSinceEpoch: oldest),
                time: event.time, evidence: evidence)
        }
    }

    var trackedGroups: Int { groups.count }

    func sweep(at now: Timestamp) {
        let time = now.microsecondsSinceEpoch
        groups = groups.filter { _, group in
            (group.window.newest.map { time - $0 < window } ?? false) || (group.lastFired.map { time - $0 < window } ?? false)
        }
    }
}
