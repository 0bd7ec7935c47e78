import ArgumentParser
import CanhModel
import CollectorClient
import CommandSupport

struct SystemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "The information systems of the inventory.",
        subcommands: [Add.self, Update.self, List.self, Show.self, Remove.self])

    struct Fields: ParsableArguments {
        @Option(help: "The system's slug, e.g. hy-dvc.") var id: String
        @Option(help: "Its full name.") var name: String?
        @Option(help: "The owner (chủ quản).") var owner: String?
        @Option(name: .customLong("operator"), help: "The operating unit (đơn vị vận hành).") var operatorUnit: String?
        @Option(help: "The security level, 1-5.") var level: Int?
        @Option(help: "The level dossier: none, submitted or approved.") var dossier: String?
        @Option(help: "The approving decision's number.") var decision: String?
        @Option(help: "The approving decision's date, YYYY-MM-DD.") var decisionDate: String?

        func apply(to system: inout InformationSystem) throws {
            if let name { system.name = name }
            if let owner { system.owner = owner }
            if let operatorUnit { system.operatorUnit = operatorUnit }
            if let level {
                guard let value = Level(rawValue: level) else { throw ValidationError("--level \(level): a level is 1 to 5.") }
                system.level = value
            }
            if let dossier {
                guard let value = DossierStatus(rawValue: dossier) else {
                    throw ValidationError("--dossier \(dossier): one of none, submitted, approved.")
                }
                system.dossier = value
            }
            if let decision { system.decisionNumber = decision }
            if let decisionDate { system.decisionDate = decisionDate }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an information system.")
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            guard let name = fields.name, let owner = fields.owner, fields.level != nil else {
                throw ValidationError("system add needs --name, --owner and --level.")
            }
            var system = InformationSystem(id: fields.id, name: name, owner: owner, level: .lowest)
            try fields.apply(to: &system)
            let added: InformationSystem = try await client.with { try await $0.post("/api/v1/systems", body: system) }
            Console.output("added \(added.id) (level \(added.level))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change what is known of a system; unnamed fields stay.")
        @OptionGroup var fields: Fields
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.with { client in
                var system: InformationSystem = try await client.get("/api/v1/systems/\(fields.id)")
                try fields.apply(to: &system)
                let _: InformationSystem = try await client.put("/api/v1/systems/\(fields.id)", body: system)
                Console.output("updated \(system.id) (level \(system.level), dossier \(system.dossier.rawValue))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the systems.")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let systems: [InformationSystem] = try await client.with { try await $0.get("/api/v1/systems") }
            try Output.print(
                systems, format: format, columns: ["ID", "LEVEL", "DOSSIER", "OWNER", "NAME"],
                row: { [$0.id, "\($0.level)", $0.dossier.rawValue, $0.owner, $0.name] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one system as JSON.")
        @Argument(help: "The system's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let system: InformationSystem = try await client.with { try await $0.get("/api/v1/systems/\(id)") }
            try Output.printJSON(system)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a system that has no hosts.")
        @Argument(help: "The system's id.") var id: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.with { try await $0.delete("/api/v1/systems/\(id)") }
            Console.output("removed \(id)")
        }
    }
}
