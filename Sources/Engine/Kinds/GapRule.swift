import CanhModel

/// `type: gap` — consecutive entries of the same boot further apart than `max_silence`: the
/// journal holds no record of that time although the machine did not reboot. Evaluated on
/// every entry, not routed by matchers.
final class GapRuleEvaluator: JournalRuleEvaluator {
    let context: RuleContext
    private let maxSilence: Int64
    private var lastSeen: [BootID: Int64] = [:]
    /// The boot of the previous entry and its time: consecutive entries are nearly always of one
    /// boot, so the dictionary is only consulted when the boot changes.
    private var current: (boot: BootID, time: Int64)?

    init(context: RuleContext, maxSilence: TimeSpan) {
        self.context = context
        self.maxSilence = maxSilence.microseconds
    }

    func matched(_ role: MatcherRole, alternative: Int, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        nil
    }

    /// Whether the entry ends a gap; cheap enough to call for every entry.
    @inline(__always)
    func endsGap(_ event: JournalEvent) -> Int64? {
        let now = event.time.microsecondsSinceEpoch
        let previous: Int64?
        if let current, current.boot == event.bootID {
            previous = current.time
        } else {
            if let current { lastSeen[current.boot] = current.time }
            previous = lastSeen[event.bootID]
        }
        current = (event.bootID, now)
        guard let previous, now - previous > maxSilence else { return nil }
        return previous
    }

    func detection(for event: JournalEvent, gapStart: Int64, host: String) -> Detection? {
        let start = Timestamp(microsecondsSinceEpoch: gapStart)
        let entity = context.entity(Captures(), host: host, event: event) ?? host
        return context.detection(
            host: host, entity: entity, count: 1, firstSeen: start, time: event.time,
            evidence: Evidence([
                ("from", .text(start.iso8601)), ("to", .text(event.time.iso8601)),
                ("silence", .text(event.time.since(start).description)), ("boot_id", .text(event.bootID.description)),
            ]))
    }

    var trackedGroups: Int { lastSeen.count + (current.map { lastSeen[$0.boot] == nil ? 1 : 0 } ?? 0) }

    func sweep(at now: Timestamp) {}

    func state() -> RuleState? {
        var boots = lastSeen
        if let current { boots[current.boot] = current.time }
        guard !boots.isEmpty else { return nil }
        let lastSeen = boots.map { BootTime(boot: $0.key, time: $0.value) }.sorted { $0.time < $1.time }
        return .boots(lastSeen: lastSeen, current: current?.boot)
    }

    func restore(_ state: RuleState) {
        guard case .boots(let saved, let currentBoot) = state else { return }
        lastSeen = Dictionary(saved.map { ($0.boot, $0.time) }, uniquingKeysWith: max)
        current = currentBoot.flatMap { boot in lastSeen.removeValue(forKey: boot).map { (boot, $0) } }
    }
}
