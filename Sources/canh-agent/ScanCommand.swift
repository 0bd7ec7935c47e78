import Agent
import ArgumentParser
import CanhModel
import CommandSupport
import Engine
import Foundation
import Glibc
import Rules
import Systemd

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Evaluate the rules once on exactly what is named, offline, and print the findings.",
        discussion: """
            Reads the journal files given with --journal-file or the journal directory given with \
            --journal-dir; the certificate and key files or directories given with --cert; and the TLS \
            endpoints given with --endpoint, whose chains are verified against the system trust store \
            plus --trust anchors; and the host configuration under --host-root. With none of these, \
            reads this machine's journal and configuration. Exit status: 0 when \
            no finding at or above --fail-on was printed, 1 when one was, 2 for a usage or input error.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case jsonl, table
    }

    @Option(name: .customLong("journal-file"), help: ArgumentHelp("A journal file to read (repeatable).", valueName: "FILE"))
    var journalFiles: [String] = []

    @Option(name: .customLong("journal-dir"), help: ArgumentHelp("A journal directory to read, as journald lays it out.", valueName: "DIR"))
    var journalDirectory: String?

    @Option(
        name: .customLong("cert"),
        help: ArgumentHelp("A certificate or key file, or a directory searched recursively (repeatable).", valueName: "PATH"))
    var certificatePaths: [String] = []

    @Option(
        name: .customLong("endpoint"),
        help: ArgumentHelp("A TLS endpoint to probe; SNI defaults to HOST (repeatable).", valueName: "HOST:PORT[@SNI]"))
    var endpoints: [Endpoint] = []

    @Option(
        name: .customLong("trust"),
        help: ArgumentHelp("A PEM or DER file of CA certificates to trust besides the system store (repeatable).", valueName: "PEM"))
    var trustAnchors: [String] = []

    @Option(
        name: .customLong("host-root"),
        help: ArgumentHelp("Check the host configuration (sshd, journald, time sync) found under this directory.", valueName: "DIR"))
    var hostRoot: String?

    @Option(help: ArgumentHelp("Seconds to wait for a TCP connection, a TLS handshake or an OCSP/CRL download.", valueName: "SECONDS"))
    var timeout: Double = 5

    @Option(help: "Endpoints probed, and OCSP responders or CRLs asked, at the same time.")
    var concurrency: Int = 8

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
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds.") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256.") }
        if let hostRoot, !FileManager.default.fileExists(atPath: hostRoot) {
            throw ValidationError("--host-root \(hostRoot): no such directory.")
        }
        if let now, Timestamp(iso8601: now) == nil {
            throw ValidationError("--now must be an ISO 8601 time like 2026-11-22T03:14:15Z, not \"\(now)\".")
        }
    }

    /// Nothing named: this machine's journal and configuration are read.
    private var namesNothing: Bool {
        journalFiles.isEmpty && journalDirectory == nil && certificatePaths.isEmpty && endpoints.isEmpty && hostRoot == nil
    }

    private var readsJournal: Bool { !journalFiles.isEmpty || journalDirectory != nil || namesNothing }

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
            func emit(_ record: FindingRecord) {
                guard all || record.outcome != .pass else { return }
                records.append(record)
                if format == .jsonl { Console.output(record.jsonLine) }
            }
            let certificates = CertificateScanSettings(
                certificatePaths: certificatePaths, endpoints: endpoints, trustAnchors: trustAnchors, concurrency: concurrency,
                timeout: timeout)
            if readsJournal {
                let scan = JournalScan(
                    pack: pack, level: level, source: source, hostNaming: .fromEntries(fallback: localHost),
                    localHost: localHost, checkTime: checkTime)
                let summary = try scan.run(emit: emit)
                for (rule, count) in summary.patternLimitHits.sorted(by: { $0.key < $1.key }) {
                    Console.error(
                        "warning: rule \(rule): its message pattern gave up on \(count) entr\(count == 1 ? "y" : "ies") (PCRE2's match "
                            + "limit); they counted as not matching")
                }
            }
            if let root = hostRoot ?? (namesNothing ? "/" : nil) {
                for record in try HostScan(root: root, checkTime: checkTime).run(pack: pack, level: level, host: localHost) { emit(record) }
            }
            if !certificates.isEmpty {
                let scan = CertificateScan(settings: certificates, checkTime: checkTime)
                let shown = try scan.run(pack: pack, level: level, host: localHost).filter { all || $0.outcome != .pass }
                records += shown
                if format == .jsonl { JSONLines.render(shown).forEach { Console.output($0) } }
            }
        }
        if format == .table { Console.output(FindingTable.render(records, language: lang)) }
        if records.contains(where: { $0.outcome != .pass && $0.severity >= failOn }) { throw ExitCode(1) }
    }
}
