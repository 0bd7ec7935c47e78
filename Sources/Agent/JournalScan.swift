public import CanhModel
public import Engine
public import Rules
public import Systemd

/// Reads journal entries, evaluates the journal rules on them and emits finding records:
/// the journal half of `canh-agent scan`.
///
/// Runs synchronously on the calling thread from open to close, as libsystemd requires.
public struct JournalScan {
    /// What a scan read and produced.
    public struct Summary: Sendable {
        public var entries = 0
        public var findings = 0
        /// Journal files that could not be read in full, each also emitted as an `error` record.
        public var fileProblems: [JournalFileProblem] = []
        /// Values longer than the reader's limit, cut before matching.
        public var truncatedValues = 0
        /// For each rule whose pattern gave up on entries (PCRE2's match limit), how many.
        public var patternLimitHits: [String: Int] = [:]
    }

    private let pack: RulePack
    private let level: Level
    private let source: JournalSource
    private let hostNaming: HostNaming
    private let localHost: String
    private let checkTime: Timestamp

    /// - Parameters:
    ///   - localHost: the host named in records about this machine's own files.
    ///   - checkTime: the time of the scan (`--now`, else the clock), for records that are not about an entry.
    public init(
        pack: RulePack, level: Level, source: JournalSource, hostNaming: HostNaming, localHost: String,
        checkTime: Timestamp
    ) {
        self.pack = pack
        self.level = level
        self.source = source
        self.hostNaming = hostNaming
        self.localHost = localHost
        self.checkTime = checkTime
    }

    /// Runs the scan, handing each record to `emit` as soon as it exists.
    /// - Throws: `RulePackError` if the journal rules do not compile at the level, `JournalError`
    ///   if the journal cannot be opened at all.
    public func run(emit: (FindingRecord) -> Void) throws -> Summary {
        let engine = try JournalEngine(pack: pack, level: level, hostNaming: hostNaming)
        let reader = try JournalReader(source: source, selection: .fields(engine.fieldTable.names))
        var summary = Summary()
        var reported = 0
        func reportProblems() {
            for problem in reader.fileProblems.dropFirst(reported) {
                emit(errorRecord(for: problem))
                summary.fileProblems.append(problem)
            }
            reported = reader.fileProblems.count
        }

        reportProblems()
        while let entry = try reader.next() {
            summary.entries += 1
            summary.truncatedValues += entry.truncatedValues
            let detections = engine.evaluate(JournalNormaliser.event(from: entry))
            guard !detections.isEmpty else { continue }
            let cursor = try reader.cursor()
            for detection in detections {
                emit(detection.record(trigger: cursor, cursor: cursor))
                summary.findings += 1
            }
        }
        reportProblems()
        summary.patternLimitHits = engine.patternLimitHits
        return summary
    }

    /// A journal file that could not be read is a hole in the log coverage: an `error` record of
    /// `log.coverage.gap` whose entity is the file.
    private func errorRecord(for problem: JournalFileProblem) -> FindingRecord {
        CoverageRecord(pack: pack, level: level, host: localHost).record(
            outcome: .error, entity: problem.path, trigger: problem.description, time: checkTime, firstSeen: nil,
            title: LocalizedText(vi: "Không đọc được tệp nhật ký", en: "Journal file could not be read"),
            evidence: Evidence([("file", .text(problem.path)), ("error", .text(problem.description))]))
    }
}
