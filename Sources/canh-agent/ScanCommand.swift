import Agent
import ArgumentParser
import CanhModel
import Engine
import Glibc
import Rules
import Systemd

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Evaluate the rules once on exactly what is named, offline, and print the findings.",
        discussion: """
            Reads the journal files given with --journal-file, or the journal directory given with \
            --journal-dir, or else this machine's journal. Exit status: 0 when no finding at or above \
            --fail-on was printed, 1 when one was, 2 for a usage or input error.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, table
    }

    @Option(name: .customLong("journal-file"), help: ArgumentHelp("A journal file to read (repeatable).", valueName: "FILE"))
    var journalFiles: [String] = []

    @Option(name: .customLong("journal-dir"), help: ArgumentHelp("A journal directory to read, as journald lays it out.", valueName: "DIR"))
    var journalDirectory: String?

    @OptionGroup var rulePack: RulePackOptions

    @Option(help: "The security level (1-5) of the information system the host belongs to.")
    var level: Level

    @Option(help: ArgumentHelp("The time of the scan (ISO 8601), for checks that depend on the clock.", valueName: "ISO8601"))
    var now: String?

    @Flag(help: "Also print passing checks.")
    var all = false

    @Option(help: "Output format.")
    var format: OutputFormat = .jsonl

    @Option(name: .customLong("fail-on"), help: "Exit with 1 when a finding of this severity or higher is printed.")
    var failOn: Severity = .medium

    @Option(help: "Language of titles in the table.")
    var lang: Language = .vi

    func validate() throws {
        if !journalFiles.isEmpty, journalDirectory != nil {
            throw ValidationError("Use either --journal-file or --journal-dir, not both.")
        }
        if let now, Timestamp(iso8601: now) == nil {
            throw ValidationError("--now must be an ISO 8601 time like 2026-11-22T03:14:15Z, not \"\(now)\".")
        }
    }

    func run() throws {
        var records: [FindingRecord] = []
        try reportingInputErrors {
            let pack = try rulePack.load()
            let source: JournalSource =
                if let journalDirectory { .directory(journalDirectory) } else if !journalFiles.isEmpty { .files(journalFiles) } else {
                    .local
                }
            let localHost = LocalHost.name
            let checkTime = now.flatMap { Timestamp(iso8601: $0) } ?? Timestamp(secondsSinceEpoch: Int64(time(nil)))
            let scan = JournalScan(
                pack: pack, level: level, source: source, hostNaming: .fromEntries(fallback: localHost),
                localHost: localHost, checkTime: checkTime)
            _ = try scan.run { record in
                guard all || record.outcome != .pass else { return }
                records.append(record)
                if format == .jsonl { print(record.jsonLine) }
            }
        }
        if format == .table { print(FindingTable.render(records, language: lang)) }
        if records.contains(where: { $0.outcome != .pass && $0.severity >= failOn }) { throw ExitCode(1) }
    }
}
