import CanhModel
import Engine
import Foundation
import Rules
import SigmaImport
import TestSupport
import Testing

/// The importer on mutations of the Sigma rules written for the tests: a Sigma file is someone
/// else's text. Each is converted or refused with a reason; whatever converts is a rule file
/// that parses without problems (the importer's quoting holds) and compiles or is refused.
@Suite struct SigmaImportFuzzTests {
    @Test("mutated Sigma rules convert to rule files that parse, or are refused; nothing crashes or hangs")
    func mutatedSigmaRules() throws {
        let fixtures = ProcessRunner.repositoryRoot + "/Tests/SigmaImportTests/Fixtures"
        let files = try ["importable", "refused"].flatMap { group in
            try FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + group).sorted().map { fixtures + "/" + group + "/" + $0 }
        }
        let corpus = try files.map { Array(try String(contentsOfFile: $0, encoding: .utf8).utf8) }
        let tokens =
            Mutator.commonTokens
            + [
                "|contains", "|all", "|re", "|cidr", "|startswith", "|endswith", " and not ", " or ", "1 of ", "all of them", "(", ")",
                "*", "?", "'", "\\", "\n    - ", "10.0.0.0/33", "[", "(?<",
            ].map { Array($0.utf8) }
        var mutator = Mutator(seed: Mutator.seed)
        var converted = 0
        for iteration in 0..<Mutator.iterations(standard: 2_000) {
            let text = String(decoding: mutator.mutate(corpus[mutator.below(corpus.count)], tokens: tokens, others: corpus), as: UTF8.self)
            guard let rule = try? SigmaImporter.convert(text) else { continue }
            converted += 1
            let (rules, problems) = RulePack.rules(inFile: rule.yaml, named: "fuzz.yaml")
            #expect(problems.isEmpty, "seed \(Mutator.seed) iteration \(iteration): \(problems.first.map(\.description) ?? "")")
            #expect(rules.map(\.id) == [rule.id], "seed \(Mutator.seed) iteration \(iteration)")
            _ = try? JournalEngine(rules: rules, level: .lowest, hostNaming: .fixed("fuzz"))
        }
        #expect(converted > 0, "no mutation converted: the fuzzing reached nothing past the parser")
    }
}
