import CanhModel

/// `type: sequence` — at least `count` entries matching `first`, then one matching `then`, from
/// the same group within `window`. Any `then` entry resets the group (a user who mistyped twice
/// and got in starts afresh); a group fires at most once per window.
final class SequenceRuleEvaluator: JournalRuleEvaluator {
    /// A class, so a group is found once per entry and updated where it lies.
    private final class Group {
        var window = TimeWindow(tracksValues: false)
        var lastFired: Int64?
    }

    let context: RuleContext
    private let groupBy: [String]
    private let firstCount: Int
    private let window: Int64
    private var groups: [String: Group] = [:]
    private var nextSweep: Int64 = .min

    init(context: RuleContext, groupBy: [String], firstCount: Int, window: TimeSpan) {
        self.context = context
        self.groupBy = groupBy
        self.firstCount = firstCount
        self.window = window.microseconds
    }

    var trackedGroups: Int { groups.count }

    func matched(_ role: MatcherRole, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        let now = event.time.microsecondsSinceEpoch
        let key = host + "\u{1E}" + captures.key(groupBy)
        switch role {
        case .match:
            let group: Group
            if let existing = groups[key] {
                group = existing
            } else {
                group = Group()
                groups[key] = group
            }
            group.window.evict(olderThanWindow: window, at: now)
            group.window.append(now, weight: weight, value: nil)
            return nil
        case .then:
            guard let group = groups[key] else { return nil }
            group.window.evict(olderThanWindow: window, at: now)
            let failures = group.window.count
            let weight = group.window.weight
            let oldest = group.window.oldest
            group.window.removeAll()
            let canFire = group.lastFired.map { now - $0 >= window } ?? true
            guard weight >= firstCount, canFire, let oldest, let entity = context.entity(captures, host: host, event: event)
            else {
                if group.lastFired == nil { groups.removeValue(forKey: key) }
                return nil
            }
            group.lastFired = now
            var evidence = captures.evidence
            evidence["failures"] = .number(Int64(failures))
            evidence["window"] = .text(TimeSpan(microseconds: window).description)
            return context.detection(
                host: host, entity: entity, count: failures, firstSeen: Timestamp(microsecondsSinceEpoch: oldest),
                time: event.time, evidence: evidence)
        }
    }

    /// Every half window, forgets groups with no recent entry and no recent firing.
    func sweep(at now: Timestamp) {
        let time = now.microsecondsSinceEpoch
        guard time >= nextSweep else { return }
        nextSweep = time + window / 2
        let stale = groups.compactMap { key, group -> String? in
            let active = group.window.newest.map { time - $0 < window } ?? false
            let firedRecently = group.lastFired.map { time - $0 < window } ?? false
            return active || firedRecently ? nil : key
        }
        for key in stale { groups.removeValue(forKey: key) }
    }
}
