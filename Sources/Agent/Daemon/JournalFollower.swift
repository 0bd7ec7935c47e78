import AgentSpool
import CanhModel
import Engine
import Foundation
import Logging
import Prometheus
import Rules
import Synchronization
import Systemd

/// Where the journal follower is, saved in the spool with the records it produced (SPEC §6):
/// the cursor of the last entry read, that entry's time and boot (to tell the uncovered range if
/// the cursor vanishes) and the rules' memory.
struct JournalCheckpoint: Codable, Sendable, Equatable {
    var cursor: String
    /// Microseconds since the epoch.
    var time: Int64
    var boot: String
    var engine: JournalEngineState

    static let reader = "journal"
}

/// What the follower thread shares with the async side: a stop request, and how it is doing
/// (for the watchdog and `status`).
final class JournalFollowerControl: Sendable {
    private struct State {
        var stopRequested = false
        var ready = false
        var lastAlive = ContinuousClock.now
        var entriesRead = 0
    }

    private let state = Mutex(State())

    func requestStop() { state.withLock { $0.stopRequested = true } }
    var stopRequested: Bool { state.withLock { $0.stopRequested } }

    func alive(entriesRead: Int) {
        state.withLock {
            $0.ready = true
            $0.lastAlive = .now
            $0.entriesRead = entriesRead
        }
    }

    /// Whether the follower has begun its loop, and when it last went round it.
    var lastAlive: ContinuousClock.Instant? { state.withLock { $0.ready ? $0.lastAlive : nil } }
    var entriesRead: Int { state.withLock { $0.entriesRead } }
}

/// Follows the journal live on one thread (libsystemd wants a handle used by one thread):
/// entries → normaliser → engine → records, spooled with the checkpoint in one transaction.
///
/// Records wait in memory only until the next commit, which comes at once when the journal has
/// nothing more to read, every second while it has, and at every 500 records; a crash loses
/// only uncommitted work, which the restarted follower redoes from the checkpoint with the same
/// record ids.
final class JournalFollower {
    private let source: JournalSource
    private let matches: [[JournalMatch]]
    private let spool: Spool
    private let runtime: AgentRuntime
    private let hostname: String
    private let control: JournalFollowerControl
    private let delivery: WakeSignal
    private let metrics: AgentMetrics
    private let logger: Logger

    private var engine: JournalEngine
    private var generation: Int
    private var reader: JournalReader
    private var checkpoint: JournalCheckpoint?
    private var pending: [FindingRecord] = []
    /// Entries read since the last commit (their cursor is not saved yet).
    private var uncommitted = 0
    private var lastEntry: (time: Int64, boot: String)?
    private var lastCommit = ContinuousClock.now
    private var entriesRead = 0
    /// Pattern limit hits of the current engine already counted, by rule; and the rules already
    /// warned about (once each for the life of the agent).
    private var limitHitsCounted: [String: Int] = [:]
    private var limitHitsWarned: Set<String> = []

    init(
        source: JournalSource, matches: [[JournalMatch]], spool: Spool, runtime: AgentRuntime, hostname: String,
        control: JournalFollowerControl, delivery: WakeSignal, metrics: AgentMetrics, logger: Logger
    ) throws {
        self.source = source
        self.matches = matches
        self.spool = spool
        self.runtime = runtime
        self.hostname = hostname
        self.control = control
        self.delivery = delivery
        self.metrics = metrics
        self.logger = logger
        let current = runtime.current
        generation = current.generation
        engine = try JournalEngine(pack: current.pack, level: current.level, hostNaming: .fixed(hostname))
        reader = try JournalReader(following: source, selection: .fields(engine.fieldTable.names), matches: matches)
        if let saved = try spool.checkpoint(reader: JournalCheckpoint.reader) {
            checkpoint = try JSONDecoder().decode(JournalCheckpoint.self, from: Data(saved.state))
        }
        try resume()
    }

    /// Reads until asked to stop, then commits what it has.
    func run() throws {
        while !control.stopRequested {
            control.alive(entriesRead: entriesRead)
            if runtime.current.generation != generation { try reload() }
            if let entry = try reader.next() {
                try evaluate(entry)
                if pending.count >= 500 || (uncommitted % 256 == 0 && ContinuousClock.now - lastCommit >= .seconds(1)) {
                    try commit()
                }
            } else {
                // Caught up: findings go out now; a cursor alone is saved at most once a second.
                if !pending.isEmpty || (uncommitted > 0 && ContinuousClock.now - lastCommit >= .seconds(1)) { try commit() }
                _ = try reader.wait(timeout: uncommitted > 0 ? .milliseconds(200) : .milliseconds(500))
            }
        }
        try commit()
    }

    private func evaluate(_ entry: JournalEntry) throws {
        entriesRead += 1
        uncommitted += 1
        let event = JournalNormaliser.event(from: entry)
        lastEntry = (Int64(entry.realtimeMicroseconds), event.bootID.description)
        let detections = engine.evaluate(event)
        guard !detections.isEmpty else { return }
        let cursor = try reader.cursor()
        for detection in detections { pending.append(detection.record(trigger: cursor, cursor: cursor)) }
    }

    /// Positions the reader after the checkpoint and gives the engine its memory back; a cursor
    /// that no longer exists becomes a coverage gap from its entry to the first entry left.
    private func resume() throws {
        guard let checkpoint else { return }
        engine.restore(checkpoint.engine)
        switch try reader.resume(after: checkpoint.cursor, time: UInt64(clamping: checkpoint.time)) {
        case .exact:
            return
        case .vanished(let firstAvailable):
            // This record reports the hole; gap rules must not report the same silence again.
            var memory = checkpoint.engine
            for (rule, state) in memory.rules {
                if case .boots = state { memory.rules[rule] = .boots(lastSeen: [], current: nil) }
            }
            engine.restore(memory)
            let from = Timestamp(microsecondsSinceEpoch: checkpoint.time)
            let to = firstAvailable.map { Timestamp(microsecondsSinceEpoch: Int64(clamping: $0)) }
            logger.warning(
                "the saved journal position is gone (vacuumed or rotated away); entries after it were lost",
                metadata: ["cursor": "\(checkpoint.cursor)", "from": "\(from.iso8601)", "to": "\(to?.iso8601 ?? "now")"])
            let current = runtime.current
            var evidence = Evidence([
                ("from", .text(from.iso8601)), ("cursor", .text(checkpoint.cursor)),
                ("reason", .text("the saved journal position no longer exists (journal vacuumed or rotated away)")),
            ])
            evidence["to"] = .text(to?.iso8601 ?? "not yet known: no later entry in the journal")
            if let to { evidence["silence"] = .text(to.since(from).description) }
            pending.append(
                CoverageRecord(pack: current.pack, level: current.level, host: hostname).record(
                    entity: checkpoint.boot, trigger: "vanished " + checkpoint.cursor, time: to ?? Timestamp.now(), firstSeen: from,
                    title: LocalizedText(
                        vi: "Mất vị trí đọc nhật ký: nhật ký đã bị xóa trước khi được kiểm tra",
                        en: "Journal position lost: entries were removed before they were checked"),
                    evidence: evidence))
        }
    }

    /// Spools the pending records with the position and the engine's memory, in one transaction.
    private func commit() throws {
        if let lastEntry {
            checkpoint = JournalCheckpoint(cursor: try reader.cursor(), time: lastEntry.time, boot: lastEntry.boot, engine: engine.state())
        }
        guard !pending.isEmpty || uncommitted > 0 else { return }
        let saved = try checkpoint.map { Spool.Checkpoint(position: $0.cursor, state: Array(try JSONEncoder().encode($0))) }
        try spool.append(pending, reader: JournalCheckpoint.reader, checkpoint: saved)
        metrics.journalEntries.increment(by: Int64(uncommitted))
        metrics.recordsSpooled.increment(by: Int64(pending.count))
        countPatternLimitHits()
        if !pending.isEmpty { delivery.ring() }
        pending.removeAll()
        uncommitted = 0
        lastEntry = nil
        lastCommit = .now
    }

    /// Counts the entries rules' patterns gave up on since the last commit, and warns once per rule:
    /// such a rule is blind to the messages that make it give up.
    private func countPatternLimitHits() {
        for (rule, total) in engine.patternLimitHits {
            let new = total - limitHitsCounted[rule, default: 0]
            guard new > 0 else { continue }
            limitHitsCounted[rule] = total
            metrics.patternLimitHits(rule: rule).increment(by: Int64(new))
            if limitHitsWarned.insert(rule).inserted {
                logger.warning(
                    "a rule's message pattern gave up on an entry (PCRE2's match limit); such entries count as not matching",
                    metadata: ["rule": "\(rule)", "cursor": "\((try? reader.cursor()) ?? "")"])
            }
        }
    }

    /// A new pack or level: commit under the old engine, then build the new one, which takes the
    /// memory of the rules it still has, and reopen the journal for the fields it reads.
    private func reload() throws {
        try commit()
        let current = runtime.current
        generation = current.generation
        engine = try JournalEngine(pack: current.pack, level: current.level, hostNaming: .fixed(hostname))
        limitHitsCounted = [:]
        reader = try JournalReader(following: source, selection: .fields(engine.fieldTable.names), matches: matches)
        try resume()
        logger.info("journal rules reloaded", metadata: ["level": "\(current.level.rawValue)", "rules": "\(current.pack.version)"])
    }
}
