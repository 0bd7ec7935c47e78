public import Rules

/// `rules check` as one verdict: the pack loads without a problem, every journal and posture rule
/// compiles, every automated requirement is cited, and every embedded test passes. The agent's
/// `rules check`, `canh-collector rules publish` and an agent receiving a pack all ask this.
public struct RulePackCheck: Sendable {
    public let pack: RulePack
    /// Every problem and failed test, one line each, file and line first.
    public let failures: [String]
    public let results: [RuleTestResult]

    public var passed: Bool { failures.isEmpty }

    public init(directory: String) {
        let (pack, problems) = RulePack.load(directory: directory)
        let compileProblems = JournalEngine.problems(in: pack) + PostureEngine.problems(in: pack) + pack.uncitedAutomatedRequirements
        let results = RuleTestRunner.run(pack)
        self.pack = pack
        self.results = results
        failures = (problems + compileProblems).map(\.description) + results.filter { !$0.passed }.map(\.description)
    }

    /// "N passed, M failed", as `rules check` ends.
    public var summary: String { "\(results.filter(\.passed).count) passed, \(failures.count) failed" }
}
