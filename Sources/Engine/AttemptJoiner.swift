/// One authentication attempt is written by several writers: sshd's "Failed password", PAM's
/// "authentication failure", sshd's PAM error. A rule lists each writer's line as an
/// alternative; an entry joins the oldest open attempt of its group, within the span, that has
/// no entry of its alternative yet, and otherwise begins a new attempt. Two lines of the same
/// alternative are always two attempts, so parallel connections are not undercounted.
struct AttemptJoiner {
    private var open: [(time: Int64, alternatives: UInt64)] = []

    /// Whether the entry begins a new attempt (true) or joins an open one (false).
    mutating func begins(at time: Int64, alternative: Int, span: Int64) -> Bool {
        open.removeAll { time - $0.time > span || $0.time - time > span }
        // Rules have a handful of alternatives; past 64 every entry is its own attempt.
        guard alternative < 64 else { return true }
        let bit = UInt64(1) << UInt64(alternative)
        if let index = open.firstIndex(where: { $0.alternatives & bit == 0 }) {
            open[index].alternatives |= bit
            return false
        }
        open.append((time, bit))
        return true
    }

    mutating func removeAll() { open.removeAll() }
}
