import CanhModel
import Foundation
import Reports
import TestSupport
import Testing

/// The JSON and CSV formats against files in `Golden/`. After an intended change, rewrite them
/// with `CANH_UPDATE_GOLDEN=1 swift test --filter GoldenReportTests` and review the diff.
@Suite struct GoldenReportTests {
    private static let directory = ProcessRunner.repositoryRoot + "/Tests/ReportsTests/Golden/"

    private func compare(_ bytes: [UInt8], with name: String) throws {
        let path = Self.directory + name
        if ProcessInfo.processInfo.environment["CANH_UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let expected = try #require(FileManager.default.contents(atPath: path), "missing golden file \(path)")
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "differs from \(name)")
    }

    @Test func complianceJSON() throws {
        try compare(try ReportRenderer.render(try ReportFixture.compliance(), format: .json, language: .vi), with: "compliance.json")
    }

    @Test(arguments: Language.allCases)
    func complianceCSV(language: Language) throws {
        try compare(
            try ReportRenderer.render(try ReportFixture.compliance(), format: .csv, language: language),
            with: "compliance-\(language.rawValue).csv")
    }

    @Test func coverageJSONAndCSV() throws {
        try compare(try ReportRenderer.render(ReportFixture.coverage(), format: .json, language: .vi), with: "coverage.json")
        try compare(try ReportRenderer.render(ReportFixture.coverage(), format: .csv, language: .vi), with: "coverage-vi.csv")
    }

    @Test func theJSONDoesNotDependOnTheLanguage() throws {
        let report = try ReportFixture.compliance()
        #expect(
            try ReportRenderer.render(report, format: .json, language: .vi) == ReportRenderer.render(report, format: .json, language: .en))
    }

    /// What the report promises: `jq -cjS .data report.json | sha256sum` gives the digest it prints.
    @Test func theDigestCanBeCheckedWithJq() async throws {
        let directory = try TemporaryDirectory()
        let json = try ReportRenderer.render(try ReportFixture.compliance(), format: .json, language: .en)
        let path = try directory.write(json, to: "report.json")
        let canonical = try await ProcessRunner.run("/usr/bin/jq", ["-cjS", ".data", path])
        #expect(canonical.status == 0)
        let data = try directory.write(Array(canonical.standardOutput.utf8), to: "data.json")
        let digest = try await ProcessRunner.run("/usr/bin/sha256sum", [data]).standardOutput.prefix(64)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(envelope["digest"] as? String == String(digest))
        // The CSV and HTML print the same digest.
        let csv = String(decoding: try ReportRenderer.render(try ReportFixture.compliance(), format: .csv, language: .en), as: UTF8.self)
        #expect(csv.contains(String(digest)))
    }

    @Test func csvIsUTF8WithAByteOrderMarkAndNeutralisesFormulas() throws {
        let csv = try ReportRenderer.render(try ReportFixture.compliance(), format: .csv, language: .vi)
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.contains("\r\n"))
        // The entity an attacker wrote into a log is not a formula when the spreadsheet opens it.
        #expect(!text.contains(",=cmd"))
        #expect(!text.contains(";=cmd") && !text.contains("\"=cmd"))
    }
}
