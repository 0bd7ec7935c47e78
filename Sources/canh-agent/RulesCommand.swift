import Agent
import ArgumentParser
import CanhModel
import CommandSupport
import Engine
import Foundation
import Rules
import SigmaImport

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check or list the rule pack.",
        subcommands: [Check.self, List.self, ImportSigma.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every rule file and run every rule's embedded tests.",
            discussion: "Prints one line per problem or failed test, then \"N passed, M failed\". Exit status 1 when anything failed."
        )

        @Argument(help: ArgumentHelp("The rule pack directory.", valueName: "DIR"))
        var directory: String?

        func run() throws {
            let check = RulePackCheck(directory: directory ?? RulePackLocator.defaultDirectory())
            let pack = check.pack
            for failure in check.failures { Console.output(failure) }
            let imported = pack.rules.filter { $0.sigma != nil }
            let unmapped = imported.filter(\.requirements.isEmpty).map(\.id)
            if !unmapped.isEmpty {
                Console.output(
                    "\(unmapped.count) imported Sigma rule(s) cite no requirement: their findings count toward no compliance verdict until mapped (\(unmapped.joined(separator: ", ")))"
                )
            }
            let untested = imported.filter { rule in
                guard case .journal(let journal) = rule.body else { return false }
                return journal.tests.isEmpty
            }
            if !untested.isEmpty { Console.output("\(untested.count) imported Sigma rule(s) have no embedded tests yet") }
            Console.output(check.summary)
            if !check.passed { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rules, or those that apply at a level with the parameter values in force.")

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case table, json
        }

        @OptionGroup var rulePack: RulePackOptions

        @Option(help: "Only the rules that apply at this level (1-5), with its parameter values.")
        var level: Level?

        @Option(help: "Output format.")
        var format: OutputFormat = .table

        @Option(help: "Language of titles.")
        var lang: Language = .vi

        func run() throws {
            try reportingInputErrors {
                let pack = try rulePack.load()
                let listing = RuleListing(pack: pack, level: level)
                Console.output(format == .json ? listing.json.serialized : listing.table(language: lang))
            }
        }
    }

    struct ImportSigma: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-sigma",
            abstract: "Convert Sigma rules whose log source is in the journal into Canh rule files.",
            discussion: """
                Reads every .yml and .yaml file under DIR (recursively). Rules for product linux with \
                services sshd, sudo, auth, syslog, cron, clamav, vsftpd or auditd become one event rule \
                each in --output, named after the rule; every other rule is reported as \
                "not importable: FILE: reason". Imported rules keep the Sigma id, title, author, license \
                and references, and cite no requirement until someone maps them. Exit status 0 when \
                every rule was imported, 1 when some were not, 2 for a usage error.
                """
        )

        @Argument(help: ArgumentHelp("The directory of Sigma rules.", valueName: "DIR"))
        var directory: String

        @Option(help: ArgumentHelp("Where to write the converted rule files (created if missing).", valueName: "DIR"))
        var output: String

        func run() throws {
            let files = sigmaFiles()
            guard !files.isEmpty else {
                Console.error("\(directory): no .yml or .yaml files")
                throw ExitCode(2)
            }
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                Console.error("\(output): cannot create the directory (\(error.localizedDescription))")
                throw ExitCode(2)
            }
            var written: [String: String] = [:]  // rule id -> the Sigma file it came from
            var refused = 0
            for file in files {
                do {
                    let text = try String(contentsOfFile: file, encoding: .utf8)
                    let converted = try SigmaImporter.convert(text)
                    if let earlier = written[converted.id] {
                        throw SigmaImportError.notImportable(
                            "its rule id \(converted.id) is already taken by \(earlier); retitle one of them")
                    }
                    let target = output + "/" + converted.id.replacingOccurrences(of: ".", with: "-") + ".yaml"
                    try check(converted.yaml, file: target)
                    try converted.yaml.write(toFile: target, atomically: true, encoding: .utf8)
                    written[converted.id] = file
                } catch {
                    refused += 1
                    Console.output("not importable: \(file): \(error)")
                }
            }
            Console.output("imported \(written.count) of \(files.count) Sigma rules into \(output)")
            if refused > 0 { throw ExitCode(1) }
        }

        private func sigmaFiles() -> [String] {
            guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
            return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map {
                directory + "/" + $0
            }
        }

        /// The converted file parses as a rule and its pattern compiles, or the rule is refused.
        private func check(_ yaml: String, file: String) throws {
            let (rules, problems) = RulePack.rules(inFile: yaml, named: file)
            if let problem = problems.first { throw SigmaImportError.notImportable("the converted rule is invalid: \(problem)") }
            do {
                _ = try JournalEngine(rules: rules, level: .lowest, hostNaming: .fixed("check"))
            } catch {
                throw SigmaImportError.notImportable("the converted rule does not compile: \(error)")
            }
        }
    }
}
