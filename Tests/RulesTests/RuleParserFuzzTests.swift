import CanhModel
import Engine
import Foundation
import TestSupport
import Testing

@testable import Rules

/// The rule parser and the engine's compiler on mutations of the shipped rule files: every
/// problem names the file and a line that exists, and every rule that parses compiles or is
/// refused with problems; nothing crashes or hangs.
@Suite struct RuleParserFuzzTests {
    @Test("mutated rule files are parsed or refused with file:line, and what parses compiles or is refused")
    func mutatedRuleFiles() throws {
        let directory = ProcessRunner.repositoryRoot + "/rules"
        let files = try ["journal", "certificates", "host"].flatMap { group in
            try FileManager.default.contentsOfDirectory(atPath: directory + "/" + group).sorted().map { directory + "/" + group + "/" + $0 }
        }
        let corpus = try files.map { Array(try String(contentsOfFile: $0, encoding: .utf8).utf8) }
        let tokens =
            Mutator.commonTokens
            + ["- ", ": ", "\n  - ", "$failures", "(?<", "(a+)+", "\\", "{{", "levels: [0, 6]", "1h30x"].map { Array($0.utf8) }
        var mutator = Mutator(seed: Mutator.seed)
        for iteration in 0..<Mutator.iterations(standard: 3_000) {
            let text = String(decoding: mutator.mutate(corpus[mutator.below(corpus.count)], tokens: tokens, others: corpus), as: UTF8.self)
            // YAML breaks lines at CR, LF, CR LF, NEL and the Unicode line and paragraph separators.
            let lines = text.unicodeScalars.split(omittingEmptySubsequences: false) {
                "\n\r\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0)
            }.count
            let (rules, problems) = RuleFileParser.parse(text, file: "fuzz.yaml")
            for problem in problems {
                #expect(problem.location.file == "fuzz.yaml")
                #expect(
                    problem.location.line.map { (1...lines + 1).contains($0) } ?? true,
                    "seed \(Mutator.seed) iteration \(iteration): \(problem)")
            }
            for rule in rules {
                for level in rule.levels {
                    _ = try? JournalEngine(rules: [rule], level: level, hostNaming: .fixed("fuzz"))
                    _ = try? PostureEngine(rules: [rule], level: level, host: "fuzz")
                }
            }
        }
    }
}
