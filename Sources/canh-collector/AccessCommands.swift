import ArgumentParser
import CanhModel
import CollectorClient
import CollectorServer
import CommandSupport
import ConfigurationFile

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Enrollment tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an enrollment token bound to a system; printed alone on the last line.")
        @Option(help: "The system the enrolled hosts belong to.") var system: String
        @Option(help: "How long it stays valid: 30m, 24h, 7d.") var expires = "24h"
        @Option(help: "How many agents may enroll with it.") var uses = 1
        @OptionGroup var client: ClientOptions

        func run() async throws {
            guard let seconds = DurationText.seconds(expires).map(Int.init) else {
                throw ValidationError("--expires \(expires): e.g. 30m, 24h or 7d.")
            }
            let answer: APIMessages.TokenResponse = try await client.with {
                try await $0.post("/api/v1/tokens", body: APIMessages.TokenRequest(system: system, expiresIn: seconds, uses: uses))
            }
            Console.output(
                "enrollment token \(answer.enrollment.id) for \(answer.enrollment.system): \(answer.enrollment.usesLeft) use(s), expires \(answer.enrollment.expiresAt)"
            )
            Console.output(answer.token)
        }
    }
}

struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts", abstract: "Enrolled hosts.", subcommands: [List.self, Revoke.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List hosts.")
        @Option(help: "Only this system's hosts.") var system: String?
        @Flag(help: "Only stale hosts.") var stale = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let hosts: [EnrolledHost] = try await client.with {
                try await $0.get("/api/v1/hosts", query: [("system", system), ("status", stale ? "stale" : nil)])
            }
            try Output.print(
                hosts, format: format, columns: ["AGENT", "HOSTNAME", "SYSTEM", "STATUS", "LAST SEEN"],
                row: { [$0.agentID, $0.hostname, $0.system, $0.status.rawValue, $0.lastSeen?.iso8601 ?? "-"] })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an agent: its next request is refused.")
        @Argument(help: "The agent id.") var agentID: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let host: EnrolledHost = try await client.with {
                try await $0.post("/api/v1/hosts/\(agentID)/revoke", body: [String: String]())
            }
            Console.output("revoked \(host.agentID) (\(host.hostname))")
        }
    }
}

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "API users.", subcommands: [Add.self, List.self, SignOut.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; their API token is printed alone on the last line.")
        @Argument(help: "The user's name.") var name: String
        @Option(help: "viewer, analyst or admin.") var role: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            guard let value = Role(rawValue: role) else { throw ValidationError("--role \(role): one of viewer, analyst, admin.") }
            let answer: APIMessages.UserResponse = try await client.with {
                try await $0.post("/api/v1/users", body: APIMessages.UserRequest(name: name, role: value))
            }
            Console.output("added \(answer.user.name) (\(answer.user.role.rawValue)); API token:")
            Console.output(answer.token)
        }
    }

    struct SignOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signout", abstract: "End every web console session of a user (their API token stays valid).")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let answer: APIMessages.SignOutReply = try await client.with {
                try await $0.post("/api/v1/users/\(name)/signout", body: [String: String]())
            }
            Console.output("ended \(answer.ended) web console session(s) of \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let users: [User] = try await client.with { try await $0.get("/api/v1/users") }
            try Output.print(
                users, format: format, columns: ["NAME", "ROLE", "CREATED"], row: { [$0.name, $0.role.rawValue, $0.createdAt.iso8601] })
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log of administrative actions, newest first.")
    @Option(help: "How many entries.") var limit = 100
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let entries: [AuditEntry] = try await client.with { try await $0.get("/api/v1/audit", query: [("limit", String(limit))]) }
        try Output.print(
            entries, format: format, columns: ["TIME", "ACTOR", "ACTION", "TARGET", "DETAIL"],
            row: { [$0.at.iso8601, $0.actor, $0.action, $0.target, $0.detail ?? ""] })
    }
}

struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Certificates seen by the agents, one per fingerprint, soonest expiry first.")
    @Option(help: "Only those expiring within this many days, e.g. 30d.") var expiringWithin: String?
    @Option(help: "Only those seen by this system's hosts.") var system: String?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let expiringWithin, InputLimits.expiryWindowDays(expiringWithin) == nil {
            throw ValidationError("--expiring-within \(expiringWithin): \(InputLimits.expiryWindowHelp).")
        }
    }

    func run() async throws {
        let certificates: [CertificateRecord] = try await client.with {
            try await $0.get("/api/v1/certs", query: [("expiring_within", expiringWithin), ("system", system)])
        }
        try Output.print(
            certificates, format: format, columns: ["FINGERPRINT", "NOT AFTER", "KEY", "SUBJECT", "PLACES"],
            row: { certificate in
                [
                    certificate.fingerprint, certificate.notAfter.iso8601, certificate.key, certificate.subject,
                    certificate.places.map { "\($0.host):\($0.place)" }.joined(separator: " "),
                ]
            })
    }
}
