import ArgumentParser
import CanhModel
import CollectorClient
import CollectorServer
import CommandSupport

struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings", abstract: "Finding states: list them, show one, or acknowledge, resolve or except one.",
        subcommands: [List.self, Show.self, Change.Ack.self, Change.Resolve.self, Change.Except.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List finding states, newest first.")
        @Option(help: "Only this system's.") var system: String?
        @Option(help: "Only this host's.") var host: String?
        @Option(help: "Only this rule's.") var rule: String?
        @Option(help: "At or above this severity.") var severity: String?
        @Option(help: "open, acknowledged, resolved or excepted.") var status: String?
        @Option(help: "Seen at or after this time (ISO 8601).") var since: String?
        @Option(help: "At most this many.") var limit = 1000
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let findings: [FindingState] = try await client.with {
                try await $0.get(
                    "/api/v1/findings",
                    query: [
                        ("system", system), ("host", host), ("rule", rule), ("severity", severity), ("status", status), ("since", since),
                        ("limit", String(limit)),
                    ])
            }
            try Output.print(
                findings, format: format,
                columns: ["FINGERPRINT", "RULE", "ENTITY", "HOST", "SYSTEM", "SEVERITY", "STATUS", "COUNT", "FIRST SEEN", "LAST SEEN"],
                row: {
                    [
                        $0.fingerprint, $0.rule, $0.entity, $0.host, $0.system, $0.severity.rawValue, $0.status.rawValue, String($0.count),
                        $0.firstSeen.iso8601, $0.lastSeen.iso8601,
                    ]
                })
        }
    }

    enum Change {
        struct Arguments: ParsableArguments {
            @Argument(help: "The finding's fingerprint.") var fingerprint: String
            @Option(help: "Why; kept in the finding's history.") var reason: String
            @OptionGroup var client: ClientOptions

            func send(_ verb: String, until: Timestamp? = nil) async throws {
                let state: FindingState = try await client.with {
                    try await $0.post(
                        "/api/v1/findings/\(fingerprint)/\(verb)", body: APIMessages.FindingChangeRequest(reason: reason, until: until))
                }
                Console.output("\(state.fingerprint) is \(state.status.rawValue)")
            }
        }

        struct Ack: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an open finding.")
            @OptionGroup var arguments: Arguments
            func run() async throws { try await arguments.send("ack") }
        }

        struct Resolve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mark a finding resolved.")
            @OptionGroup var arguments: Arguments
            func run() async throws { try await arguments.send("resolve") }
        }

        struct Except: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Accept a finding until a date, with a justification.")
            @OptionGroup var arguments: Arguments
            @Option(help: "When the exception ends: YYYY-MM-DD or an ISO 8601 time.") var until: String

            func run() async throws {
                guard let time = Timestamp(iso8601: until) ?? Timestamp(iso8601: until + "T00:00:00Z") else {
                    throw ValidationError("--until \(until): a date like 2027-03-31 or a time like 2027-03-31T00:00:00Z.")
                }
                try await arguments.send("except", until: time)
            }
        }
    }
}

extension FindingsCommand {
    /// `findings show FINGERPRINT`: one finding with its evidence, what to do about it and its history.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one finding: evidence, what to do about it (the rule's remediation and references) and its history.")
        @Argument(help: "The finding's fingerprint.") var fingerprint: String
        @Option(help: "vi or en.") var lang: Language = .vi
        @Flag(help: "The API's JSON instead of text.") var json = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let detail: APIMessages.FindingDetail = try await client.with { try await $0.get("/api/v1/findings/\(fingerprint)") }
            if json { return try Output.printJSON(detail) }
            let finding = detail.finding
            let vi = lang == .vi
            var lines: [(String, String)] = [
                (vi ? "phát hiện" : "finding", finding.title[lang]), ("rule", finding.rule),
                (vi ? "hệ thống" : "system", finding.system), (vi ? "máy chủ" : "host", finding.host),
                (vi ? "đối tượng" : "entity", finding.entity),
                (vi ? "trạng thái" : "status", "\(finding.status.rawValue) (\(finding.outcome.rawValue)), \(finding.severity.rawValue)"),
                (vi ? "số lần" : "count", "\(finding.count), \(finding.firstSeen.iso8601) … \(finding.lastSeen.iso8601)"),
                (vi ? "yêu cầu" : "requirements", finding.requirements.joined(separator: ", ")),
                (vi ? "bằng chứng" : "evidence", finding.evidence),
            ]
            if let guidance = detail.guidance {
                lines.append((vi ? "khắc phục" : "remediation", guidance.remediation[lang]))
                for reference in guidance.references { lines.append((vi ? "tham khảo" : "reference", reference)) }
            }
            for transition in detail.transitions {
                lines.append(
                    (
                        vi ? "lịch sử" : "history",
                        "\(transition.at.iso8601) \(transition.from?.rawValue ?? "-") → \(transition.to.rawValue) \(transition.actor)"
                            + (transition.reason.map { ": \($0)" } ?? "")
                    ))
            }
            Console.output(TextTable(fields: lines).rendered)
        }
    }
}
