import Agent
import ArgumentParser
import CanhModel
import CommandSupport
import Engine
import Rules

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check or list the rule pack.",
        subcommands: [Check.self, List.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every rule file and run every rule's embedded tests.",
            discussion: "Prints one line per problem or failed test, then \"N passed, M failed\". Exit status 1 when anything failed."
        )

        @Argument(help: ArgumentHelp("The rule pack directory.", valueName: "DIR"))
        var directory: String?

        func run() throws {
            let directory = directory ?? RulePackLocator.defaultDirectory()
            let (pack, problems) = RulePack.load(directory: directory)
            let compileProblems = JournalEngine.problems(in: pack) + PostureEngine.problems(in: pack) + pack.uncitedAutomatedRequirements
            let results = RuleTestRunner.run(pack)
            for problem in problems + compileProblems { Console.output(problem.description) }
            for result in results where !result.passed { Console.output(result.description) }
            let failed = problems.count + compileProblems.count + results.filter { !$0.passed }.count
            Console.output("\(results.filter(\.passed).count) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
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
}
