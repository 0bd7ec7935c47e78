import ArgumentParser
import CanhModel
import CollectorClient
import CommandSupport
import Engine
import Foundation
import Glibc
import RulePackDistribution
import Rules

/// Signed rule packs delivered by the collector (issue 25; archive and signature formats in
/// docs/rules.md): make a signing key, publish a pack, assign it to systems, see who runs what.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Signed rule packs: keys, publication, staged rollout.",
        subcommands: [Keygen.self, Publish.self, Assign.self, Status.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 signing key (FILE, mode 0600) and its public key in minisign's format (FILE.pub).",
            discussion:
                "Pin the public key in every agent's agent.toml (rule_keys). Keep FILE off the collector: whoever holds it can push rules to every agent."
        )
        @Option(help: ArgumentHelp("Where to write the secret key.", valueName: "FILE")) var output: String

        func run() throws {
            for path in [output, output + ".pub"] where access(path, F_OK) == 0 {
                throw ValidationError("\(path) exists; a signing key is never overwritten (agents may pin it). Name another file.")
            }
            let key = PackSigningKey()
            try OutputFile.write(Array(key.fileText.utf8), to: output, mode: 0o600)
            try OutputFile.write(Array(key.publicKey.fileText.utf8), to: output + ".pub", mode: 0o644)
            Console.output("secret key \(output) (mode 0600), public key \(output).pub, key id \(key.publicKey.id)")
            Console.output("pin it in agent.toml: rule_keys = [\"\(key.publicKey.base64)\"]")
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rule pack, sign it and store it in the collector; refused when `rules check` fails.",
            discussion: "The version is pack.yaml's. Nothing reaches an agent until the version is assigned (rules assign).")
        @Argument(help: ArgumentHelp("The rule pack directory.", valueName: "DIR")) var directory: String
        @Option(help: ArgumentHelp("The secret key from rules keygen.", valueName: "FILE")) var key: String
        @Option(help: ArgumentHelp("The oldest canh-agent that may load the pack.", valueName: "VERSION"))
        var minimumAgentVersion = SignedRulePack.firstAgentVersion
        @Option(help: ArgumentHelp("Also write the archive and its .minisig into this directory.", valueName: "DIR"))
        var output: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            if let problem = PrivateFiles.problem(with: key) { throw ValidationError(problem) }
            guard let text = try? String(contentsOfFile: key, encoding: .utf8) else { throw ValidationError("\(key): cannot be read") }
            let signingKey = try PackSigningKey(parsing: text, source: key)
            let check = RulePackCheck(directory: directory)
            guard check.passed else {
                for failure in check.failures { Console.error(failure) }
                throw ValidationError("\(directory): rules check failed (\(check.summary)); nothing was published")
            }
            let pack = try SignedRulePack.build(
                files: try PackDirectory.entries(of: directory), name: check.pack.name, version: check.pack.version,
                minimumAgentVersion: minimumAgentVersion, key: signingKey, at: .now())
            if let output {
                try OutputFile.write(pack.archive, to: output + "/" + pack.archiveName, mode: 0o644)
                try OutputFile.write(Array(pack.signature.fileText.utf8), to: output + "/" + pack.archiveName + ".minisig", mode: 0o644)
            }
            let release: RulePackRelease = try await client.with {
                try await $0.post(
                    "/api/v1/rule-packs",
                    body: APIMessages.RulePackUpload(
                        archive: Data(pack.archive).base64EncodedString(), signature: pack.signature.fileText,
                        publicKey: signingKey.publicKey.base64))
            }
            Console.output(
                "published \(release.name) \(release.version): \(pack.files.count) files, \(release.size) bytes, sha256 \(release.sha256), key \(release.keyID)"
            )
            Console.output("assign it: canh-collector rules assign \(release.version) --system ID… (or --all)")
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell the agents of some systems (first) or of every system to run a published version.",
            discussion: "A system's own assignment wins over --all. Agents switch at their next heartbeat.")
        @Argument(help: ArgumentHelp("A published version.", valueName: "VERSION")) var version: String
        @Option(name: .customLong("system"), parsing: .upToNextOption, help: ArgumentHelp("Systems to assign it to.", valueName: "ID"))
        var systems: [String] = []
        @Flag(help: "Every system without an assignment of its own.") var all = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard systems.isEmpty != !all else { throw ValidationError("Give --system ID… or --all, not both.") }
        }

        func run() async throws {
            let assigned: [RulePackAssignment] = try await client.with {
                try await $0.post(
                    "/api/v1/rule-packs/\(version)/assign",
                    body: APIMessages.RulePackAssignRequest(systems: all ? nil : systems, all: all ? true : nil))
            }
            for assignment in assigned {
                Console.output("\(assignment.system.map { "system \($0)" } ?? "every system"): rules \(assignment.version)")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which hosts run which version, which refused the one assigned to them and why.",
            discussion: "Exit status 1 when a host refused its assigned version.")
        @Option(help: "table or json.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let status: APIMessages.RulePackStatus = try await client.with { try await $0.get("/api/v1/rule-packs/status") }
            if format == .json {
                try Output.printJSON(status)
            } else {
                Console.output("published:")
                Console.output(
                    TextTable(
                        header: ["VERSION", "SHA256", "KEY", "PUBLISHED", "BY"],
                        rows: status.packs.map {
                            [$0.version, String($0.sha256.prefix(16)), $0.keyID, $0.publishedAt.iso8601, $0.publishedBy]
                        }
                    ).rendered)
                Console.output("assigned:")
                Console.output(
                    TextTable(
                        header: ["SYSTEM", "VERSION", "ASSIGNED", "BY"],
                        rows: status.assignments.map { [$0.system ?? "(every system)", $0.version, $0.assignedAt.iso8601, $0.assignedBy] }
                    ).rendered)
                Console.output("hosts:")
                Console.output(
                    TextTable(
                        header: ["HOST", "SYSTEM", "ASSIGNED", "RUNNING", "STATE"],
                        rows: status.hosts.map { host in
                            [host.hostname, host.system, host.assigned ?? "-", host.running ?? "-", Self.state(of: host)]
                        }
                    ).rendered)
            }
            if status.hosts.contains(where: { $0.failure != nil }) { throw ExitCode(1) }
        }

        static func state(of host: APIMessages.HostRulePack) -> String {
            if let failure = host.failure { return "refused: \(failure)" }
            if host.status == .stale { return "stale" }
            return host.isCurrent ? "current" : "pending"
        }
    }
}
