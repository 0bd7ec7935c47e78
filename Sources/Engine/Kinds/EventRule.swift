import CanhModel

/// `type: event` — every matching entry is a finding.
final class EventRuleEvaluator: JournalRuleEvaluator {
    let context: RuleContext

    init(context: RuleContext) { self.context = context }

    func matched(_ role: MatcherRole, alternative: Int, weight: Int, captures: Captures, event: JournalEvent, host: String) -> Detection? {
        guard let entity = context.entity(captures, host: host, event: event) else { return nil }
        return context.detection(
            host: host, entity: entity, count: 1, firstSeen: event.time, time: event.time, evidence: captures.evidence)
    }

    var trackedGroups: Int { 0 }

    func sweep(at now: Timestamp) {}

    func state() -> RuleState? { nil }

    func restore(_ state: RuleState) {}
}
