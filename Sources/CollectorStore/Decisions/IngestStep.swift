package import Alerts
package import CanhModel
package import Foundation

/// A record with what a store needs from it computed beforehand, on the task that received it:
/// a store's writer is the one thread every batch waits for, so it only does what needs the
/// database.
package struct IngestRecord: Sendable {
    package var record: FindingRecord
    /// Identifies the record among its host's: 16 bytes of the SHA-256 of its id.
    package var idKey: Data
    /// The index key of its fingerprint.
    package var findingKey: Int64
    /// Its evidence as JSON text, as findings store it.
    package var evidence: String

    package init(_ record: FindingRecord) {
        self.record = record
        idKey = Data(StableDigest.key(of: record.id))
        findingKey = FindingKey.of(record.fingerprint)
        evidence = record.evidence.json.serialized
    }
}

/// The index key of a fingerprint: its first 16 hex digits as a 64-bit integer (0 when they are
/// not hex). The key only narrows the search; the fingerprint itself is always compared.
package enum FindingKey {
    package static func of(_ fingerprint: String) -> Int64 {
        Int64(bitPattern: UInt64(fingerprint.prefix(16), radix: 16) ?? 0)
    }
}

/// What a batch of new records does to the findings it touches, decided without a database, so
/// that every store decides alike: a store finds which records are new (not stored before) and
/// the states they touch, and writes what this returns.
package struct IngestPlan: Sendable {
    /// A finding as a store holds it: its state and its row.
    package typealias Stored = (state: FindingState, id: Int64)

    package struct Finding: Sendable {
        package var state: FindingState
        /// Its row, nil when the store holds none yet.
        package var id: Int64?
    }

    /// Every finding the batch touched, once, in the order first touched, in its final state.
    package var findings: [Finding] = []
    /// State changes in the order they happened, each with its finding's index in `findings`.
    package var transitions: [(finding: Int, transition: FindingTransition)] = []
    /// The messages the changes queue.
    package var alerts: [OutboxEntry] = []
    /// How many new findings each tally gains (a store's trigger moves existing ones).
    package var newTallies: [FindingTally: Int] = [:]

    /// Folds `records` (new ones, in the order the agent sent them) into `prior`, the stored
    /// findings of the fingerprints they name (absent: no finding yet).
    /// - Parameters:
    ///   - system: the host's system, needed only when `AlertOutbox.routes(routing)`.
    ///   - ruleTitles: the collector's titles, by rule id; a rule it does not know is shown by id.
    package init(
        _ records: [IngestRecord], prior: [String: Stored], host: EnrolledHost, system: InformationSystem?, routing: AlertRouting,
        ruleTitles: [String: LocalizedText], at time: Timestamp
    ) throws {
        let actor = "agent:\(host.agentID)"
        var outbox = AlertOutbox(routing: routing, system: system, queuedAt: time)
        // Ingest's writer runs this for every record: one look-up per record, sized up front.
        var position: [String: Int] = [:]
        position.reserveCapacity(records.count)
        findings.reserveCapacity(records.count)
        for prepared in records {
            let record = prepared.record
            let index: Int
            let previous: FindingState?
            if let known = position[record.fingerprint] {
                index = known
                previous = findings[known].state
            } else {
                index = findings.count
                position[record.fingerprint] = index
                let stored = prior.isEmpty ? nil : prior[record.fingerprint]
                previous = stored?.state
                findings.append(Finding(state: FindingState.placeholder, id: stored?.id))
            }
            let (state, transition) = FindingFold.fold(
                record, title: ruleTitles[record.rule] ?? LocalizedText(vi: record.rule, en: record.rule), evidence: prepared.evidence,
                into: previous, system: host.system, actor: actor)
            findings[index].state = state
            if let transition { transitions.append((index, transition)) }
            try outbox.queue(previous: previous, current: state, change: transition, at: record.time)
        }
        for finding in findings where finding.id == nil { newTallies[FindingTally(finding.state), default: 0] += 1 }
        alerts = outbox.entries
    }
}

extension FindingState {
    /// Stands in for a finding's state until the fold writes it.
    fileprivate static let placeholder = FindingState(
        fingerprint: "", rule: "", entity: "", host: "", system: "", severity: .info, status: .open, outcome: .fail, count: 0,
        firstSeen: Timestamp(microsecondsSinceEpoch: 0), lastSeen: Timestamp(microsecondsSinceEpoch: 0), requirements: [],
        title: LocalizedText(vi: "", en: ""), evidence: "")
}

extension FindingWorkflow {
    /// A person's change applied to a finding already checked with `refusal(of:from:)`: its new
    /// state, the transition to record, and the messages it queues.
    package static func apply(
        _ status: FindingStatus, reason: String, until: Timestamp?, actor: String, at time: Timestamp, to previous: FindingState,
        system: InformationSystem?, routing: AlertRouting
    ) throws -> (state: FindingState, transition: FindingTransition, alerts: [OutboxEntry]) {
        var state = previous
        state.status = status
        state.reason = reason
        state.exceptedUntil = status == .excepted ? until : nil
        let transition = FindingTransition(
            fingerprint: state.fingerprint, at: time, from: previous.status, to: status, actor: actor, reason: reason)
        var outbox = AlertOutbox(routing: routing, system: system, queuedAt: time)
        try outbox.queue(previous: previous, current: state, change: transition, at: time)
        return (state, transition, outbox.entries)
    }
}
