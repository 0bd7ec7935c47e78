public import CanhModel
public import Rules

/// The outcome of one embedded rule test.
public struct RuleTestResult: Sendable, CustomStringConvertible {
    public var rule: String
    public var test: String
    public var location: SourceLocation
    /// What differed; empty when the test passed.
    public var failures: [String]

    public var passed: Bool { failures.isEmpty }

    public var description: String {
        "\(location): \(rule): test \"\(test)\": " + (passed ? "passed" : failures.joined(separator: "; "))
    }
}

/// Runs the tests embedded in rules through the same engine `scan` and `run` use.
public enum RuleTestRunner {
    /// Runs every test of every journal rule of `pack`, each rule on its own at the test's level.
    public static func run(_ pack: RulePack) -> [RuleTestResult] {
        pack.rules.flatMap { rule -> [RuleTestResult] in
            switch rule.body {
            case .journal(let journalRule): journalRule.tests.map { run($0, of: rule) }
            case .posture(let postureRule): postureRule.tests.map { run($0, of: rule) }
            }
        }
    }

    /// A posture test: its one observation through the engine, one record or none expected.
    private static func run(_ test: PostureRuleTest, of rule: Rule) -> RuleTestResult {
        var result = RuleTestResult(rule: rule.id, test: test.name, location: test.location, failures: [])
        let records: [FindingRecord]
        do {
            records = try PostureEngine(rules: [rule], level: test.level, host: "test-host").evaluate(test.observations, at: test.now)
        } catch {
            result.failures = error.problems.map(\.description)
            return result
        }
        guard let expected = test.expectedOutcome else {
            if let record = records.first { result.failures = ["expected no record, got \(record.outcome.rawValue)"] }
            return result
        }
        guard records.count == 1, let record = records.first else {
            result.failures = ["expected one \(expected.rawValue) record, got \(records.count)"]
            return result
        }
        result.failures = compare(
            [record],
            [
                ExpectedFinding(
                    entity: record.entity, count: nil, outcome: expected, evidence: test.expectedEvidence, location: test.location)
            ])
        return result
    }

    /// The findings a rule produces from a test's entries.
    public static func findings(of test: JournalRuleTest, rule: Rule) throws(RulePackError) -> [FindingRecord] {
        try evaluate(test, rule: rule).records
    }

    /// The findings, and the numbers (1-based) of the entries on which the rule's pattern gave up.
    private static func evaluate(_ test: JournalRuleTest, rule: Rule) throws(RulePackError) -> (
        records: [FindingRecord], undecided: [Int]
    ) {
        let engine = try JournalEngine(rules: [rule], level: test.level, hostNaming: .fromEntries(fallback: test.host))
        var records: [FindingRecord] = []
        var undecided: [Int] = []
        var hits = 0
        for (position, entry) in test.entries.enumerated() {
            let event = JournalEvent(
                time: entry.time, bootID: entry.bootID, values: engine.fieldTable.names.map { entry.fields[$0] })
            for detection in engine.evaluate(event) {
                records.append(detection.record(trigger: "test:\(test.name):\(position)", cursor: nil))
            }
            let now = engine.patternLimitHits.values.reduce(0, +)
            if now > hits { undecided.append(position + 1) }
            hits = now
        }
        return (records, undecided)
    }

    private static func run(_ test: JournalRuleTest, of rule: Rule) -> RuleTestResult {
        var result = RuleTestResult(rule: rule.id, test: test.name, location: test.location, failures: [])
        let evaluated: (records: [FindingRecord], undecided: [Int])
        do {
            evaluated = try evaluate(test, rule: rule)
        } catch {
            result.failures = error.problems.map(\.description)
            return result
        }
        if !evaluated.undecided.isEmpty {
            result.failures.append(
                "the message pattern gave up (PCRE2's match limit) on entry \(evaluated.undecided.map(String.init).joined(separator: ", ")); "
                    + "such entries count as not matching: anchor the pattern and avoid nested repetition")
        }
        result.failures += compare(evaluated.records, test.expected)
        return result
    }

    /// Differences between produced records and expectations, in words; empty when they agree.
    public static func compare(_ records: [FindingRecord], _ expected: [ExpectedFinding]) -> [String] {
        guard records.count == expected.count else {
            let produced = records.map { "\($0.entity) (count \($0.count))" }.joined(separator: ", ")
            return ["expected \(expected.count) finding(s), got \(records.count)" + (records.isEmpty ? "" : ": \(produced)")]
        }
        var failures: [String] = []
        for (position, (record, expectation)) in zip(records, expected).enumerated() {
            let label = "finding \(position + 1)"
            if record.entity != expectation.entity {
                failures.append("\(label): expected entity \"\(expectation.entity)\", got \"\(record.entity)\"")
            }
            if let count = expectation.count, record.count != count {
                failures.append("\(label): expected count \(count), got \(record.count)")
            }
            if record.outcome != expectation.outcome {
                failures.append("\(label): expected outcome \(expectation.outcome.rawValue), got \(record.outcome.rawValue)")
            }
            for (key, value) in expectation.evidence.sorted(by: { $0.key < $1.key }) {
                let actual: String? =
                    switch record.evidence[key] {
                    case .text(let text): text
                    case .number(let number): String(number)
                    case .list(let items): items.joined(separator: ",")
                    case nil: nil
                    }
                if actual != value {
                    failures.append("\(label): expected evidence \(key) \"\(value)\", got \(actual.map { "\"\($0)\"" } ?? "nothing")")
                }
            }
        }
        return failures
    }
}
