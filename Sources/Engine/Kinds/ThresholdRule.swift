import CanhModel

/// `type: threshold` — matching entries of one group within `window` whose weights (1 each unless
/// a matcher says otherwise) add up to `count`, or `count` distinct values of a capture. Fires
/// when the count is reached, then at most once per window for that group while entries keep
/// coming, each time with the count then in the window.
final class ThresholdRuleEvaluator: JournalRuleEvaluator {
    /// A class, so a group is found once per entry and updated where it lies.
    private final class Group {
        var window: TimeWindow
        var lastFired: Int64?

        init(tracksValues: Bool) { window = TimeWindow(tracksValues: tracksValues) }
    }

    let context: RuleContext
    private let groupBy: [String]
    private let distinct: String?
    private let threshold: Int
    private let window: Int64
    private var groups: [String: Group] = [:]
    private var nextSweep: Int64 = .min

    init(context: RuleContext, groupBy: [String], distinct: String?, threshold: Int, window: TimeSpan) {
        self.context = context
        self.groupBy = groupBy
        self.distinct = distinct
        self.threshold = threshold
        self.window = window.microseconds
    }

    var trackedGroups: Int { groups.count }

    func matched(_ role: MatcherRole, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        guard let entity = context.entity(captures, host: host, event: event) else { return nil }
        let now = event.time.microsecondsSinceEpoch
        let key = host + "\u{1E}" + captures.key(groupBy)
        let group: Group
        if let existing = groups[key] {
            group = existing
        } else {
            group = Group(tracksValues: distinct != nil)
            groups[key] = group
        }

        group.window.evict(olderThanWindow: window, at: now)
        group.window.append(now, weight: weight, value: distinct.flatMap { captures[$0] })
        let weight = distinct == nil ? group.window.weight : group.window.distinctCount
        guard weight >= threshold, group.lastFired.map({ now - $0 >= window }) ?? true, let oldest = group.window.oldest
        else { return nil }
        group.lastFired = now

        var evidence = captures.evidence
        if let distinct {
            evidence["distinct_\(distinct)"] = .list(group.window.distinctValues(maximum: 20))
        }
        evidence["window"] = .text(TimeSpan(microseconds: window).description)
        // The finding counts entries (or distinct values); weights only decide when to fire.
        let count = distinct == nil ? group.window.count : weight
        return context.detection(
            host: host, entity: entity, count: count, firstSeen: Timestamp(microsecondsSinceEpoch: oldest),
            time: event.time, evidence: evidence)
    }

    /// Every half window, forgets groups that can neither fire nor count toward a firing any more.
    func sweep(at now: Timestamp) {
        let time = now.microsecondsSinceEpoch
        guard time >= nextSweep else { return }
        nextSweep = time + window / 2
        let stale = groups.compactMap { key, group -> String? in
            let active = group.window.newest.map { time - $0 < window } ?? false
            let quiet = group.lastFired.map { time - $0 >= window } ?? true
            return !active && quiet ? key : nil
        }
        for key in stale { groups.removeValue(forKey: key) }
    }
}
