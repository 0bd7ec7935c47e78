public import ArgumentParser
public import CanhModel
import CollectorClient
import CommandSupport
import Foundation
public import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compliance, coverage and annual reports for reviewers (HTML, CSV, JSON, PDF, DOCX; Vietnamese or English).",
        subcommands: [Compliance.self, Coverage.self, Annual.self])

    /// The formats a report can be written in here; `all` writes every one of them.
    enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
        case html, csv, json, pdf, docx, all

        var formats: [ReportFormat] {
            self == .all ? [.json, .html, .csv, .pdf, .docx] : ReportFormat(rawValue: rawValue).map { [$0] } ?? []
        }
    }

    struct Presentation: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "html, csv, json, pdf, docx or all. Every format is rendered here from the one evaluation the collector sends as "
                    + "JSON, so all carry the same digest (PDF: printed by Chromium, DOCX: written by pandoc, on this machine).",
                valueName: "FORMAT")) var format: OutputFormat = .html
        @Option(help: "vi or en.") var lang: Language = .vi
        @Option(
            help: ArgumentHelp(
                "Write the report to FILE instead of standard output; with --format all, the directory to write every format to.",
                valueName: "FILE")) var output: String?

        func validate() throws {
            if format == .all, output == nil { throw ValidationError("--format all writes several files: name a directory with --output.") }
        }

        /// Fetches one evaluation as JSON, checks its digest, and writes it in the formats asked
        /// for, each rendered here from that evaluation.
        func fetch<Data: ReportData>(
            _ path: String, query: [(String, String?)], name: String, client: ClientOptions,
            render: (SealedReport<Data>, ReportFormat, Language) throws(ReportError) -> [UInt8]
        ) async throws {
            let json = try await client.with { try await $0.download(path, query: query + [("format", "json")]) }
            let sealed = try SealedReport<Data>(received: json)
            if format == .all, let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            }
            for format in self.format.formats {
                let bytes = format == .json ? json : try render(sealed, format, lang)
                // Reports name hosts and their weaknesses: 0600, whatever the umask.
                if self.format == .all, let output {
                    let file = output + "/" + name + (format == .json ? "" : "-\(lang.rawValue)") + "." + format.rawValue
                    try OutputFile.write(bytes, to: file, mode: 0o600)
                    Console.error("wrote \(file) (\(bytes.count) bytes)")
                } else if let output {
                    try OutputFile.write(bytes, to: output, mode: 0o600)
                    Console.error("wrote \(output) (\(bytes.count) bytes, digest \(sealed.digest))")
                } else {
                    try Console.output(bytes: bytes)
                }
            }
            if self.format == .all { Console.error("every format carries the digest \(sealed.digest)") }
        }
    }

    struct Compliance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-system compliance at the declared level: every applicable requirement with its status and evidence.")
        @Option(help: "The system to report on.") var system: String?
        @Flag(help: "Every system.") var all = false
        @Option(
            help: ArgumentHelp(
                "2026, 2026-H2, 2026-Q4, 2026-11, 2026-annual (Circular 12/2022: 15/12/2025–14/12/2026) or 2026-07-01..2026-09-30; "
                    + "default: the current half-year.", valueName: "PERIOD")) var period: String?
        @OptionGroup var presentation: Presentation
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard (system != nil) != all else { throw ValidationError("Name one system with --system ID, or give --all.") }
            try ReportCommand.validate(period: period)
        }

        func run() async throws {
            try await presentation.fetch(
                "/api/v1/reports/compliance", query: [("system", system), ("period", period)],
                name: "canh-compliance-\(system ?? "all")-\(period ?? "current")", client: client
            ) { (sealed: SealedReport<ComplianceReport>, format, language) throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Province-wide figures by level and owner: indicators 19 and 20 of plan 155/KH-UBND over a period, approved "
                + "dossiers, systems reporting now, stale hosts, expiring certificates.")
        @Option(
            help: ArgumentHelp(
                "The period indicators 19 and 20 are counted over, e.g. 2026-H2 for the 6-monthly province summary; "
                    + "default: the current half-year.", valueName: "PERIOD")) var period: String?
        @OptionGroup var presentation: Presentation
        @OptionGroup var client: ClientOptions

        func validate() throws {
            try ReportCommand.validate(period: period)
        }

        func run() async throws {
            try await presentation.fetch(
                "/api/v1/reports/coverage", query: [("period", period)], name: "canh-coverage-\(period ?? "current")", client: client
            ) {
                (sealed: SealedReport<CoverageReport>, format, language) throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
        }
    }
}

extension ReportCommand {
    /// `--period`, refused here with the forms that work rather than by the collector.
    static func validate(period: String?) throws {
        guard let period else { return }
        do throws(ReportPeriod.ParseError) {
            _ = try ReportPeriod(parsing: period)
        } catch {
            throw ValidationError(error.description)
        }
    }

    struct Annual: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The yearly report of Circular 12/2022 Art. 13–14 and Decree 331/2026 Art. 35–36 in the layout of form Mẫu 08: "
                + "data from 15/12 of the year before to 14/12, due to the owner before 20/12 and onwards before 25/12.")
        @Option(help: "The reporting year, e.g. 2026 (15/12/2025–14/12/2026).") var year: Int
        @Option(help: "Only this owner's systems (chủ quản), as the inventory names it.") var owner: String?
        @OptionGroup var presentation: Presentation
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard AnnualEvaluation.years.contains(year) else { throw ValidationError("--year \(year): a year from 2016 (Decree 85/2016).") }
        }

        func run() async throws {
            try await presentation.fetch(
                "/api/v1/reports/annual", query: [("year", "\(year)"), ("owner", owner)], name: "canh-annual-\(year)", client: client
            ) { (sealed: SealedReport<AnnualReport>, format, language) throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

struct AttestationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attestations", abstract: "Attest that a system meets a manual requirement, list attestations, or withdraw one.",
        subcommands: [List.self, Add.self, Withdraw.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A system's attestations, newest first for each requirement.")
        @Option(help: "The system.") var system: String
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let attestations: [Attestation] = try await client.with { try await $0.get("/api/v1/systems/\(system)/attestations") }
            try Output.print(
                attestations, format: format, columns: ["REQUIREMENT", "ATTESTED BY", "ATTESTED AT", "EXPIRES AT", "EVIDENCE"],
                row: { [$0.requirement, $0.attestedBy, $0.attestedAt.iso8601, $0.expiresAt.iso8601, $0.evidence] })
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Attest a manual requirement of the catalogue (role analyst or admin).")
        @Option(help: "The system.") var system: String
        @Option(help: "The requirement id, e.g. ND85-MGT-POL-01.") var requirement: String
        @Option(help: "What shows it is met: a decision, a procedure, minutes of a drill.") var evidence: String
        @Option(help: "When it stops counting: YYYY-MM-DD (default: a year from now).") var until: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var expiry: Timestamp?
            if let until {
                guard let time = Timestamp(iso8601: until) else {
                    throw ValidationError("--until \(until): a date like 2027-06-30 or a time like 2027-06-30T00:00:00Z.")
                }
                expiry = time
            }
            let attestation: Attestation = try await client.with {
                try await $0.post(
                    "/api/v1/systems/\(system)/attestations",
                    body: APIMessages.AttestationRequest(requirement: requirement, evidence: evidence, expiresAt: expiry))
            }
            Console.output("\(attestation.requirement) attested for \(attestation.system) until \(attestation.expiresAt.iso8601)")
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a requirement's attestations for a system.")
        @Option(help: "The system.") var system: String
        @Option(help: "The requirement id.") var requirement: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.with { try await $0.delete("/api/v1/systems/\(system)/attestations/\(requirement)") }
            Console.output("\(requirement) is no longer attested for \(system)")
        }
    }
}
