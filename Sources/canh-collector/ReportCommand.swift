public import ArgumentParser
public import CanhModel
import CollectorClient
import CommandSupport
import Foundation
public import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Compliance and coverage reports for reviewers (HTML, CSV, JSON, PDF; Vietnamese or English).",
        subcommands: [Compliance.self, Coverage.self])

    struct Presentation: ParsableArguments {
        @Option(help: "html, csv, json or pdf (PDF: the HTML printed by Chromium on this machine).") var format: ReportFormat = .html
        @Option(help: "vi or en.") var lang: Language = .vi
        @Option(help: ArgumentHelp("Write the report to FILE instead of standard output.", valueName: "FILE")) var output: String?

        /// Fetches the report (the HTML for a PDF, printed here) and writes it out.
        func fetch(_ path: String, query: [(String, String?)], client: ClientOptions) async throws {
            let asked: ReportFormat = format == .pdf ? .html : format
            var bytes = try await client.with {
                try await $0.download(path, query: query + [("format", asked.rawValue), ("lang", lang.rawValue)])
            }
            if format == .pdf { bytes = try ReportRenderer.pdf(html: bytes) }
            // Reports name hosts and their weaknesses: 0600, whatever the umask.
            if let output {
                try OutputFile.write(bytes, to: output, mode: 0o600)
                Console.error("wrote \(output) (\(bytes.count) bytes)")
            } else {
                try Console.output(bytes: bytes)
            }
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
            if let period {
                do throws(ReportPeriod.ParseError) {
                    _ = try ReportPeriod(parsing: period)
                } catch {
                    throw ValidationError(error.description)
                }
            }
        }

        func run() async throws {
            try await presentation.fetch("/api/v1/reports/compliance", query: [("system", system), ("period", period)], client: client)
        }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Province-wide figures: systems by level and owner, share with an approved level dossier, share monitored.")
        @OptionGroup var presentation: Presentation
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await presentation.fetch("/api/v1/reports/coverage", query: [], client: client)
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
