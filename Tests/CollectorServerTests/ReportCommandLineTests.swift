import CanhModel
import Foundation
import TestSupport
import Testing

/// `canh-collector report` and `attestations` as a reviewer runs them against a real `serve`.
@Suite struct ReportCommandLineTests {
    let collector = ProcessRunner.builtProduct("canh-collector")

    @Test("attest, then write compliance and coverage reports in every format and language; mistakes exit 2 with the fix")
    func reviewerSession() async throws {
        let data = try TemporaryDirectory(prefix: "canh-report-cli")
        let initialised = try await ProcessRunner.run(collector, ["init", "--data-dir", data.file("collector")])
        let token = try #require(initialised.outputLines.last)
        let server = try await BackgroundServer(collector, ["serve", "--data-dir", data.file("collector"), "--listen", "127.0.0.1:{port}"])
        let environment = [
            "CANH_SERVER": "https://127.0.0.1:\(server.port)", "CANH_TOKEN": token, "CANH_CA": data.file("collector/ca.pem"),
        ]
        func run(_ arguments: [String], extra: [String: String] = [:]) async throws -> ProcessResult {
            try await ProcessRunner.run(collector, arguments, environment: environment.merging(extra) { $1 })
        }
        let added = try await run([
            "system", "add", "--id", "hy-dvc", "--name", "Cổng dịch vụ công", "--owner", "UBND tỉnh Hưng Yên", "--level", "3",
            "--dossier", "approved", "--decision", "1234/QĐ-UBND", "--decision-date", "2025-06-30",
        ])
        #expect(added.status == 0, "\(added.standardError)")

        let attested = try await run([
            "attestations", "add", "--system", "hy-dvc", "--requirement", "ND85-MGT-POL-01", "--evidence", "Quyết định 88/QĐ-SKHCN",
            "--until", "2027-11-22",
        ])
        #expect(attested.status == 0, "\(attested.standardError)")
        #expect(attested.standardOutput.contains("ND85-MGT-POL-01 attested for hy-dvc until 2027-11-22T00:00:00Z"))
        let badUntil = try await run([
            "attestations", "add", "--system", "hy-dvc", "--requirement", "ND85-MGT-POL-01", "--evidence", "x", "--until", "next year",
        ])
        #expect(badUntil.status == 2)
        #expect(badUntil.standardError.contains("--until next year: a date like 2027-06-30"))
        let listed = try await run(["attestations", "list", "--system", "hy-dvc"])
        #expect(listed.standardOutput.contains("Quyết định 88/QĐ-SKHCN"))
        let automated = try await run(["attestations", "add", "--system", "hy-dvc", "--requirement", "ND85-SRV-AUTH-02", "--evidence", "x"])
        #expect(automated.status == 2)
        #expect(automated.standardError.contains("checked automatically by rules"))

        for (format, language, check) in [
            ("json", "vi", "\"report\" : \"compliance\""), ("csv", "en", "Requirement id"), ("html", "vi", "<!DOCTYPE html>"),
            ("pdf", "en", "%PDF-"),
        ] {
            let output = data.file("compliance.\(format)")
            let written = try await run([
                "report", "compliance", "--system", "hy-dvc", "--period", "2026-H2", "--format", format, "--lang", language, "--output",
                output,
            ])
            #expect(written.status == 0, "\(format): \(written.standardError)")
            let bytes = try #require(FileManager.default.contents(atPath: output))
            #expect(String(decoding: bytes, as: UTF8.self).contains(check) || bytes.starts(with: Array(check.utf8)), "\(format)")
        }
        let pdfText = try await ProcessRunner.run("/usr/bin/pdftotext", [data.file("compliance.pdf"), "-"])
        #expect(pdfText.standardOutput.contains("Compliance with the security requirements"))
        #expect(pdfText.standardOutput.contains("ND85-MGT-POL-01"))
        let coverage = try await run(["report", "coverage", "--format", "csv", "--lang", "vi"])
        #expect(coverage.status == 0)
        #expect(coverage.standardOutput.contains("Hệ thống thông tin đã được phê duyệt hồ sơ đề xuất cấp độ,1,1"))
        let all = try await run(["report", "compliance", "--all", "--format", "json"])
        #expect(all.standardOutput.contains("\"hy-dvc\""))

        let both = try await run(["report", "compliance", "--system", "hy-dvc", "--all"])
        #expect(both.status == 2)
        #expect(both.standardError.contains("Name one system with --system ID, or give --all."))
        let period = try await run(["report", "compliance", "--all", "--period", "H2"])
        #expect(period.status == 2)
        #expect(period.standardError.contains("period \"H2\": give a year (2026), a half (2026-H2)"))
        let noBrowser = try await run(
            ["report", "coverage", "--format", "pdf", "--output", data.file("coverage.pdf")], extra: ["CANH_CHROMIUM": "/nonexistent"])
        #expect(noBrowser.status == 2)
        #expect(noBrowser.standardError.contains("apt-get install chromium"))
        #expect(!FileManager.default.fileExists(atPath: data.file("coverage.pdf")))

        #expect(try await run(["attestations", "withdraw", "--system", "hy-dvc", "--requirement", "ND85-MGT-POL-01"]).status == 0)
        #expect(try await run(["attestations", "withdraw", "--system", "hy-dvc", "--requirement", "ND85-MGT-POL-01"]).status == 2)
    }
}
