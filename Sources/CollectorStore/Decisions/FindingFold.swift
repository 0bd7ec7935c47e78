public import CanhModel

/// How one record changes the state of its finding; the same for every store.
///
/// A failing check opens the finding, or reopens a resolved one; a passing state check resolves
/// an open or acknowledged one. An exception holds until it expires, then the next failure
/// reopens the finding. A record older than the newest one already folded (a late re-send) adds
/// its count but changes nothing else, so the order in which batches arrive does not matter.
public enum FindingFold {
    /// `evidence` is the record's evidence as JSON text, which the caller computes beforehand
    /// (a store computes it before it takes its write lock); `title` is the collector's title of
    /// the rule, not the record's.
    public static func fold(
        _ record: FindingRecord, title: LocalizedText, evidence: String, into existing: FindingState?, system: String, actor: String
    ) -> (state: FindingState, transition: FindingTransition?) {
        let detections = record.outcome == .fail ? record.count : 0
        guard var state = existing else {
            let status: FindingStatus = record.outcome == .pass ? .resolved : .open
            let state = FindingState(
                fingerprint: record.fingerprint, rule: record.rule, entity: record.entity, host: record.host, system: system,
                severity: record.severity, status: status, outcome: record.outcome, count: detections,
                firstSeen: min(record.firstSeen ?? record.time, record.time), lastSeen: record.time, requirements: record.requirements,
                title: title, evidence: evidence)
            let transition = FindingTransition(
                fingerprint: record.fingerprint, at: record.time, from: nil, to: status, actor: actor,
                reason: reason(for: record, to: status))
            return (state, transition)
        }
        state.count += detections
        state.firstSeen = min(state.firstSeen, record.firstSeen ?? record.time)
        guard record.time >= state.lastSeen else { return (state, nil) }

        state.lastSeen = record.time
        state.outcome = record.outcome
        state.severity = record.severity
        state.requirements = record.requirements
        state.title = title
        state.evidence = evidence
        let next: FindingStatus
        switch (record.outcome, state.status) {
        case (.pass, .open), (.pass, .acknowledged): next = .resolved
        case (.fail, .resolved), (.error, .resolved): next = .open
        case (.fail, .excepted), (.error, .excepted):
            next = (state.exceptedUntil.map { $0 <= record.time } ?? true) ? .open : .excepted
        default: next = state.status
        }
        guard next != state.status else { return (state, nil) }
        let transition = FindingTransition(
            fingerprint: state.fingerprint, at: record.time, from: state.status, to: next, actor: actor,
            reason: state.status == .excepted ? "the exception expired and the check failed again" : reason(for: record, to: next))
        state.status = next
        if next != .excepted { state.exceptedUntil = nil }
        return (state, transition)
    }

    private static func reason(for record: FindingRecord, to status: FindingStatus) -> String {
        switch (record.outcome, status) {
        case (.pass, _): "the check passed"
        case (.error, _): "the check could not run"
        case (.fail, .open): record.count > 1 ? "detected \(record.count) times" : "detected"
        case (.fail, _): "detected"
        }
    }
}
