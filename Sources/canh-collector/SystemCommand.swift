import ArgumentParser
import CanhModel
import CollectorClient
import CommandSupport

struct SystemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "The information systems of the inventory.",
        subcommands: [Add.self, Update.self, Assess.self, List.self, Show.self, Remove.self])

    struct Fields: ParsableArguments {
        @Option(help: "The system's slug, e.g. hy-dvc.") var id: String
        @Option(help: "Its full name.") var name: String?
        @Option(help: "The owner (chủ quản).") var owner: String?
        @Option(name: .customLong("operator"), help: "The operating unit (đơn vị vận hành).") var operatorUnit: String?
        @Option(help: "The level the system is judged at, 1-5 (the approved one once approved).") var level: Int?
        @Option(help: "The level the dossier proposes, 1-5.") var proposedLevel: Int?
        @Option(help: "The level dossier: none, drafting, submitted, appraised or approved.") var dossier: String?
        @Option(help: "The approving decision's number, e.g. 1234/QĐ-UBND.") var decision: String?
        @Option(help: "The approving decision's date, YYYY-MM-DD.") var decisionDate: String?
        @Option(help: "Who issued the approving decision.") var decisionIssuer: String?
        @Option(help: "The appraisal's document number.") var appraisal: String?
        @Option(help: "The appraisal's date, YYYY-MM-DD.") var appraisalDate: String?
        @Option(help: "Who appraised the dossier.") var appraisalIssuer: String?
        @Option(help: "When approval is expected, YYYY-MM-DD.") var expectedApproval: String?
        @Option(help: "The number of the decision issuing the security regulation (Quy chế).") var regulation: String?
        @Option(help: "That decision's date, YYYY-MM-DD.") var regulationDate: String?
        @Option(help: "Who issued the regulation.") var regulationIssuer: String?
        @Option(help: "The specialised security unit (đơn vị chuyên trách).") var securityUnit: String?
        @Option(help: "The security contact's name.") var contactName: String?
        @Option(help: "The contact's title.") var contactTitle: String?
        @Option(help: "The contact's phone.") var contactPhone: String?
        @Option(help: "The contact's e-mail.") var contactEmail: String?
        @Option(help: "When the system went into use, YYYY-MM-DD; it decides the regime reports cite.") var goLive: String?
        @Option(help: "How much of the approved security plan is carried out: none, partial or full.") var plan: String?
        @Option(help: "When the plan is expected to be fully carried out, YYYY-MM-DD.") var planExpected: String?
        @Option(help: "Who monitors the system by other means than Canh's agents (indicator 20).") var monitoredBy: String?
        @Option(help: "What shows that monitoring: a contract, a decision.") var monitoringEvidence: String?
        @Option(help: "The last day that monitoring holds, YYYY-MM-DD.") var monitoringUntil: String?

        func apply(to system: inout InformationSystem) throws {
            if let name { system.name = name }
            if let owner { system.owner = owner }
            if let operatorUnit { system.operatorUnit = operatorUnit }
            if let level { system.level = try Self.level(level, option: "--level") }
            if let proposedLevel { system.proposedLevel = try Self.level(proposedLevel, option: "--proposed-level") }
            if let dossier { system.dossier = try Self.choice(dossier, option: "--dossier") }
            if let plan { system.plan = try Self.choice(plan, option: "--plan") }
            if let decision { system.decisionNumber = decision }
            if let decisionDate { system.decisionDate = try Self.date(decisionDate, option: "--decision-date") }
            if let decisionIssuer { system.decisionIssuer = decisionIssuer }
            system.appraisal = try Self.decision(
                system.appraisal, number: appraisal, date: appraisalDate, issuer: appraisalIssuer, option: "--appraisal")
            system.regulation = try Self.decision(
                system.regulation, number: regulation, date: regulationDate, issuer: regulationIssuer, option: "--regulation")
            if let expectedApproval { system.expectedApproval = try Self.date(expectedApproval, option: "--expected-approval") }
            if let securityUnit { system.securityUnit = securityUnit }
            if contactName != nil || contactTitle != nil || contactPhone != nil || contactEmail != nil {
                guard let name = contactName ?? system.contact?.name else {
                    throw ValidationError("--contact-title, --contact-phone and --contact-email need --contact-name.")
                }
                system.contact = Contact(
                    name: name, title: contactTitle ?? system.contact?.title, phone: contactPhone ?? system.contact?.phone,
                    email: contactEmail ?? system.contact?.email)
            }
            if let goLive { system.goLive = try Self.date(goLive, option: "--go-live") }
            if let planExpected { system.planExpected = try Self.date(planExpected, option: "--plan-expected") }
            if monitoredBy != nil || monitoringEvidence != nil || monitoringUntil != nil {
                guard let by = monitoredBy ?? system.monitoredElsewhere?.by,
                    let evidence = monitoringEvidence ?? system.monitoredElsewhere?.evidence,
                    let until = try monitoringUntil.map({ try Self.date($0, option: "--monitoring-until") })
                        ?? system.monitoredElsewhere?.until
                else {
                    throw ValidationError("monitoring by other means needs --monitored-by, --monitoring-evidence and --monitoring-until.")
                }
                system.monitoredElsewhere = ExternalMonitoring(by: by, evidence: evidence, until: until)
            }
        }

        static func level(_ value: Int, option: String) throws -> Level {
            guard let level = Level(rawValue: value) else { throw ValidationError("\(option) \(value): a level is 1 to 5.") }
            return level
        }

        static func date(_ text: String, option: String) throws -> String {
            guard CalendarDateText.isValid(text) else { throw ValidationError("\(option) \(text): a date is YYYY-MM-DD.") }
            return text
        }

        static func choice<Value: RawRepresentable & CaseIterable>(_ text: String, option: String) throws -> Value
        where Value.RawValue == String {
            guard let value = Value(rawValue: text) else {
                throw ValidationError("\(option) \(text): one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return value
        }

        /// A decision with the fields given changed; date and issuer alone change a recorded one.
        static func decision(_ existing: Decision?, number: String?, date: String?, issuer: String?, option: String) throws -> Decision? {
            guard number != nil || date != nil || issuer != nil else { return existing }
            guard let number = number ?? existing?.number else {
                throw ValidationError("\(option)-date and \(option)-issuer need \(option) (the document's number).")
            }
            return Decision(
                number: number, date: try date.map { try Self.date($0, option: option + "-date") } ?? existing?.date,
                issuer: issuer ?? existing?.issuer)
        }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a security assessment of a system (before use, or periodic per Decree 85/2016 Art. 20.2.c).")
        @Argument(help: "The system's id.") var id: String
        @Option(help: "When it was done, YYYY-MM-DD.") var date: String
        @Option(help: "before_use or periodic.") var kind: String
        @Option(help: "Who assessed it (from level 3, a licensed or designated organisation).") var assessor: String
        @Option(help: "What it concluded, or the report's number.") var result: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let assessment = Assessment(
                date: try Fields.date(date, option: "--date"), kind: try Fields.choice(kind, option: "--kind"), assessor: assessor,
                result: result)
            try await client.with { client in
                var system: InformationSystem = try await client.get("/api/v1/systems/\(id)")
                system.assessments.removeAll {
                    $0.date == assessment.date && $0.kind == assessment.kind && $0.assessor == assessment.assessor
                }
                system.assessments.append(assessment)
                system.assessments.sort { ($0.date, $0.kind.rawValue) < ($1.date, $1.kind.rawValue) }
                let _: InformationSystem = try await client.put("/api/v1/systems/\(id)", body: system)
                Console.output("recorded the \(assessment.kind.rawValue) assessment of \(id) on \(assessment.date)")
            }
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
