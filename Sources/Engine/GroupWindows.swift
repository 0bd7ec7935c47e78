import CanhModel

/// The groups of one windowed rule (threshold, sequence), each with its window of recent entries
/// and the time it last fired. A group is found once per entry and updated where it lies, and
/// groups that can no longer fire are forgotten, which bounds memory.
final class GroupWindows {
    final class Group {
        var window: TimeWindow
        var lastFired: Int64?
        /// Open attempts, for rules with `same_attempt`; not saved with the state (a restart
        /// at worst counts one attempt's two lines twice).
        var attempts = AttemptJoiner()

        init(tracksValues: Bool) { window = TimeWindow(tracksValues: tracksValues) }
    }

    /// The window length in microseconds.
    let length: Int64
    private let tracksValues: Bool
    private var groups: [String: Group] = [:]
    private var nextSweep: Int64 = .min

    init(length: TimeSpan, tracksValues: Bool) {
        self.length = length.microseconds
        self.tracksValues = tracksValues
    }

    var count: Int { groups.count }
    var isEmpty: Bool { groups.isEmpty }

    /// Every group as data, in key order (so equal memories encode equally).
    func state() -> [WindowGroupState] {
        groups.sorted { $0.key < $1.key }.map { key, group in
            let entries = group.window.entries
            return WindowGroupState(
                key: key, times: entries.times, weights: entries.weights, values: entries.values, lastFired: group.lastFired)
        }
    }

    /// Replaces every group with the saved ones.
    func restore(_ saved: [WindowGroupState]) {
        groups.removeAll()
        for state in saved {
            let group = Group(tracksValues: tracksValues)
            group.lastFired = state.lastFired
            for (position, time) in state.times.enumerated() {
                let weight = position < state.weights.count ? state.weights[position] : 1
                let value = position < state.values.count ? state.values[position] : nil
                group.window.append(time, weight: weight, value: value)
            }
            groups[state.key] = group
        }
    }

    /// The group of `key`, created if new.
    func group(_ key: String) -> Group {
        if let existing = groups[key] { return existing }
        let created = Group(tracksValues: tracksValues)
        groups[key] = created
        return created
    }

    func existingGroup(_ key: String) -> Group? { groups[key] }

    func remove(_ key: String) { groups.removeValue(forKey: key) }

    /// Whether a group may fire at `now`: at most once per window.
    func mayFire(_ group: Group, at now: Int64) -> Bool {
        group.lastFired.map { now - $0 >= length } ?? true
    }

    /// Every half window, forgets groups with no entry and no firing within the last window.
    func sweep(at now: Int64) {
        guard now >= nextSweep else { return }
        nextSweep = now + length / 2
        let stale = groups.compactMap { key, group -> String? in
            let active = group.window.newest.map { now - $0 < length } ?? false
            return active || !mayFire(group, at: now) ? nil : key
        }
        for key in stale { groups.removeValue(forKey: key) }
    }
}
