import Engine
import Foundation
import Rules
import TestSupport
import Testing

/// One fixture per kind of rule-file mistake, in `Fixtures/mistakes/`. The first line of each
/// fixture says what `rules check` must print for it: `# expect: journal/NAME.yaml:LINE: FIELD: MESSAGE`
/// (PACK in the message stands for the pack directory). `valid.yaml` must produce nothing.
@Suite struct RuleFileMistakeTests {
    static let fixtures: [String] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mistakes").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory + "/" + $0 }
    }()

    /// Everything `rules check` reports for a pack made of the real catalogue and one rule file.
    static func report(forPackWith ruleFile: String) throws -> (pack: String, lines: [String], passed: Int) {
        let directory = try TemporaryDirectory()
        let packDirectory = directory.path
        let rules = ProcessRunner.repositoryRoot + "/rules"
        try FileManager.default.copyItem(atPath: rules + "/pack.yaml", toPath: packDirectory + "/pack.yaml")
        try FileManager.default.copyItem(atPath: rules + "/requirements.yaml", toPath: packDirectory + "/requirements.yaml")
        try FileManager.default.copyItem(
            atPath: rules + "/" + RulePack.legalSourcesFile, toPath: packDirectory + "/" + RulePack.legalSourcesFile)
        try FileManager.default.createDirectory(atPath: packDirectory + "/journal", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ruleFile, toPath: packDirectory + "/journal/" + (ruleFile as NSString).lastPathComponent)
        let (pack, problems) = RulePack.load(directory: packDirectory)
        let results = RuleTestRunner.run(pack)
        let lines =
            (problems + JournalEngine.problems(in: pack) + PostureEngine.problems(in: pack)).map(\.description)
            + results.filter { !$0.passed }.map(\.description)
        return (packDirectory, lines, results.filter(\.passed).count)
    }

    @Test("every kind of mistake is reported as file:line: field: what is wrong", arguments: fixtures)
    func mistake(fixture: String) throws {
        let firstLine = try #require(try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n").first)
        let expectation = String(try #require(firstLine.split(separator: " ", maxSplits: 2).last))
        let (pack, lines, passed) = try Self.report(forPackWith: fixture)
        if fixture.hasSuffix("/valid.yaml") {
            #expect(lines.isEmpty)
            #expect(passed == 2)
        } else {
            let expected = pack + "/" + expectation.replacingOccurrences(of: "PACK", with: pack)
            #expect(lines.first == expected, "all lines:\n\(lines.joined(separator: "\n"))")
        }
    }

    @Test("there is a fixture for each kind of mistake")
    func coverage() {
        #expect(Self.fixtures.count >= 25)
    }
}
