/// The times, weights and (for distinct counts) values of the matching entries of one group
/// that still lie within a rule's window, oldest first.
///
/// Two entries belong to the same window when their timestamps differ by less than the window:
/// with a 10-minute window, entries at 03:00:00 and 03:09:59 count together, 03:00:00 and
/// 03:10:00 do not. Memory is bounded by `limit` entries per group; beyond it the oldest go.
struct TimeWindow: Sendable {
    private var times: [Int64] = []
    private var weights: [Int] = []
    private var values: [String] = []
    private var head = 0
    private var distinctCounts: [String: Int] = [:]
    private let tracksValues: Bool
    /// The sum of the weights in the window.
    private(set) var weight = 0
    static let limit = 100_000

    init(tracksValues: Bool) { self.tracksValues = tracksValues }

    var count: Int { times.count - head }
    var distinctCount: Int { distinctCounts.count }
    var oldest: Int64? { head < times.count ? times[head] : nil }
    var newest: Int64? { head < times.count ? times.last : nil }

    /// The entries in the window, oldest first (values empty unless distinct values are tracked).
    var entries: (times: [Int64], weights: [Int], values: [String]) {
        (Array(times[head...]), Array(weights[head...]), tracksValues ? Array(values[head...]) : [])
    }

    /// Up to `maximum` distinct values, in the order they first appeared.
    func distinctValues(maximum: Int) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for value in values[head...] where !seen.contains(value) {
            seen.insert(value)
            result.append(value)
            if result.count == maximum { break }
        }
        return result
    }

    /// Drops entries that no longer share a window with an entry at `now`.
    mutating func evict(olderThanWindow window: Int64, at now: Int64) {
        while head < times.count, now - times[head] >= window { dropOldest() }
        compact()
    }

    mutating func append(_ time: Int64, weight: Int, value: String?) {
        if count >= Self.limit { dropOldest() }
        times.append(time)
        weights.append(weight)
        self.weight += weight
        if tracksValues {
            let value = value ?? ""
            values.append(value)
            distinctCounts[value, default: 0] += 1
        }
    }

    mutating func removeAll() {
        times.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        distinctCounts.removeAll()
        head = 0
        weight = 0
    }

    private mutating func dropOldest() {
        weight -= weights[head]
        if tracksValues {
            let value = values[head]
            if let remaining = distinctCounts[value], remaining > 1 {
                distinctCounts[value] = remaining - 1
            } else {
                distinctCounts[value] = nil
            }
        }
        head += 1
    }

    private mutating func compact() {
        guard head > 32, head * 2 > times.count else { return }
        times.removeFirst(head)
        weights.removeFirst(head)
        if tracksValues { values.removeFirst(head) }
        head = 0
    }
}
