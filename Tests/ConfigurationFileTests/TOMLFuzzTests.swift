import ConfigurationFile
import Foundation
import TestSupport
import Testing

/// The TOML reader on mutations of the shipped sample files: each is read, or refused with an
/// error that names the file and a line that exists.
@Suite struct TOMLFuzzTests {
    @Test("mutated configuration files are read or refused with file and line, never crash")
    func mutatedFiles() throws {
        let corpus = try ["etc/agent.toml", "etc/collector.toml"].map { path in
            Array(try String(contentsOfFile: ProcessRunner.repositoryRoot + "/" + path, encoding: .utf8).utf8)
        }
        let tokens =
            Mutator.commonTokens
            + ["[[", "]]", "[alerts", "= \"", "= [", "0x", "1_000", "+inf", "2026-11-22T00:00:00Z"].map { Array($0.utf8) }
        var mutator = Mutator(seed: Mutator.seed)
        for iteration in 0..<Mutator.iterations(standard: 10_000) {
            let text = String(decoding: mutator.mutate(corpus[mutator.below(corpus.count)], tokens: tokens, others: corpus), as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                let document = try TOMLDocument(parsing: text, file: "fuzz.toml")
                _ = try? document.requireOnly(["": [], "collector": ["url"]])
            } catch {
                #expect(error.file == "fuzz.toml")
                #expect(error.line.map { (1...lines + 1).contains($0) } ?? true, "seed \(Mutator.seed) iteration \(iteration): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }
}
