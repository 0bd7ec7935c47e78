import CanhModel
import Foundation
import Rules
import TestSupport
import Testing

/// The catalogue's citations are checked data: each mistake a catalogue author can make in
/// `requirements.yaml` or `legal-sources.yaml` is refused by `rules check` with the file, line and
/// field, starting from the real pack with one edit.
@Suite struct CatalogueCitationTests {
    struct Mistake: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var replace: String
        var with: String
        /// The field and message; the line is where `with` lands, or the first line holding `at`.
        var expected: String
        var at: String? = nil
        var description: String { name }
    }

    static let mistakes: [Mistake] = [
        Mistake(
            name: "a TT12 row the level's appendix does not have", file: "requirements.yaml",
            replace: "3: {tt12: [II.2/1.2.1], tcvn14423: [5.6.2.2 b, 5.5.2.2 a]",
            with: "3: {tt12: [II.2/1.2.9], tcvn14423: [5.6.2.2 b, 5.5.2.2 a]",
            expected: "ND85-SRV-AUTH-01.citations.3.tt12: II.2/1.2.9 is not a row of TT12 Phụ lục III (level 3) in legal-sources.yaml"),
        Mistake(
            name: "a TT12 row of another level (network devices are 1.1.4 at level 1, 1.1.6 from level 3)",
            file: "requirements.yaml", replace: "1: {tt12: [II.2/1.1.4], tcvn14423: [3.5.2.1]",
            with: "1: {tt12: [II.2/1.1.6], tcvn14423: [3.5.2.1]",
            expected: "ND85-NET-DEV-01.citations.1.tt12: II.2/1.1.6 is not a row of TT12 Phụ lục I (level 1) in legal-sources.yaml"),
        Mistake(
            name: "a TCVN 14423 clause of another level", file: "requirements.yaml",
            replace: "4: {tt12: [II.2/1.2.1], tcvn14423: [6.6.2.2 b, 6.5.2.2 a]",
            with: "4: {tt12: [II.2/1.2.1], tcvn14423: [5.6.2.2 b, 6.5.2.2 a]",
            expected:
                "ND85-SRV-AUTH-01.citations.4.tcvn14423: 5.6.2.2 b is not a TCVN 14423:2026 clause of level 4 in legal-sources.yaml (level 4 is clause 6)"
        ),
        Mistake(
            name: "an article the sources do not list", file: "requirements.yaml",
            replace: "tt12_articles: [13, 14], nd331: [35, 36]", with: "tt12_articles: [13, 14], nd331: [35, 99]",
            expected: "ND85-MGT-REP-01.citations.1.nd331: 99 is not listed under articles.nd331 in legal-sources.yaml"),
        Mistake(
            name: "a force that is not one of the three", file: "requirements.yaml",
            replace: "5: {tt12: [II.2/1.2.1], tcvn14423: [7.6.2.2 b, 7.5.2.2 a], force: mandatory",
            with: "5: {tt12: [II.2/1.2.1], tcvn14423: [7.6.2.2 b, 7.5.2.2 a], force: required",
            expected: "ND85-SRV-AUTH-01.citations.5.force: must be one of: mandatory, suggested, best_practice, not \"required\""),
        Mistake(
            name: "a level without a citation", file: "requirements.yaml",
            replace:
                "      5: {tt12: [II.2/1.2.1], tcvn14423: [7.6.2.2 b, 7.5.2.2 a], force: mandatory, basis: secondary}\n\n  - id: ND85-SRV-AUTH-02",
            with: "\n  - id: ND85-SRV-AUTH-02",
            expected: "ND85-SRV-AUTH-01.citations: has no citation for level 5",
            at: "1: {tt12: [II.2/1.2.1], tcvn14423: [3.6.2.2 b, 3.5.2.2 a]"),
        Mistake(
            name: "a row of the appendix no requirement cites", file: "legal-sources.yaml",
            replace: "    II.2/1.4.3: {tcvn11930: 7.2.4.3, title: Sao lưu dự phòng}",
            with: "    II.2/1.4.3: {tcvn11930: 7.2.4.3, title: Sao lưu dự phòng}\n    II.2/1.4.4: {tcvn11930: 7.2.4.4, title: Hàng mới}",
            expected: "tt12.3.II.2/1.4.4: no requirement cites this row at level 3 (Hàng mới); cite it from requirements.yaml"),
        Mistake(
            name: "a row that is not written as a TT12 row", file: "legal-sources.yaml",
            replace: "    II.2/1.4.3: {tcvn11930: 7.2.4.3, title: Sao lưu dự phòng}",
            with: "    II.2-1.4.3: {tcvn11930: 7.2.4.3, title: Sao lưu dự phòng}",
            expected: "tt12.3.II.2-1.4.3: not a row of a TT12 appendix; write I/1.5.6, II.1/a, II.1/b.xi or II.2/1.2.1"),
    ]

    @Test("rules check refuses each citation mistake, naming file, line and field", arguments: mistakes)
    func refused(mistake: Mistake) throws {
        let directory = try TemporaryDirectory()
        let rules = ProcessRunner.repositoryRoot + "/rules"
        for name in ["pack.yaml", "requirements.yaml", RulePack.legalSourcesFile] {
            var text = try String(contentsOfFile: rules + "/" + name, encoding: .utf8)
            if name == mistake.file {
                #expect(text.contains(mistake.replace), "the fixture edit no longer matches \(name)")
                text = text.replacingOccurrences(of: mistake.replace, with: mistake.with)
            }
            try text.write(toFile: directory.path + "/" + name, atomically: true, encoding: .utf8)
        }
        let edited = try String(contentsOfFile: directory.path + "/" + mistake.file, encoding: .utf8)
        let marker = mistake.at ?? mistake.with.split(separator: "\n").last { !$0.isEmpty }.map(String.init) ?? mistake.with
        let line = try #require(edited.components(separatedBy: "\n").firstIndex { $0.contains(marker) }) + 1
        let problems = RulePack.load(directory: directory.path).problems.map(\.description)
        let expected = "\(directory.path)/\(mistake.file):\(line): \(mistake.expected)"
        #expect(problems.contains(expected), "problems:\n\(problems.joined(separator: "\n"))")
    }

    @Test("the real catalogue cites every row of TT12's appendix at every level, and nothing else")
    func complete() throws {
        let (pack, problems) = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        #expect(problems.isEmpty, "\(problems)")
        // The counts of TT12's appendices I–V (citations-review.md, coverage of the law).
        let counts = pack.legalSources.circular12.mapValues { rows in
            (
                rows.count { $0.row.hasPrefix("I/") }, rows.count { $0.row.hasPrefix("II.1/") },
                rows.count { $0.row.hasPrefix("II.2/") }
            )
        }
        #expect(counts.keys.count == 5)
        #expect(
            counts.sorted { $0.key < $1.key }.map { [$0.value.0, $0.value.1, $0.value.2] } == [
                [15, 4, 13], [18, 7, 17], [22, 17, 21], [22, 18, 21], [22, 20, 21],
            ])
        // Review item 1: communication confidentiality (x.2.3.4) exists from level 3 only.
        let tls = try #require(pack.requirements["ND85-APP-TLS-01"])
        #expect(tls.citations.values.filter { !$0.circular12Rows.isEmpty }.map(\.level.rawValue).sorted() == [3, 4, 5])
        #expect(tls.citations[.init(rawValue: 3)!]?.circular12Rows.first?.tcvn11930 == "7.2.3.4")
        #expect(tls.citations.values.allSatisfy { $0.circular39Items == ["4.2"] })
        // Review item 16: the leaf row, with the appendix of the level.
        let citation = try #require(pack.requirements["ND85-SRV-AUTH-01"]?.citations[.init(rawValue: 3)!])
        #expect(citation.legacyText(.vi) == "TT 12/2022 Phụ lục III, mục II.2, STT 1.2.1 (TCVN 11930:2017 mục 7.2.2.1)")
        #expect(citation.currentText(.en) == "TCVN 14423:2026 clause 5.6.2.2 b, 5.5.2.2 a")
    }
}
