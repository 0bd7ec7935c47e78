import CanhModel
import Foundation
import Reports
import TestSupport
import Testing

/// The HTML as a reader sees it: rendered by a real headless Chromium to a PNG whose text is
/// read back by OCR (tesseract), and the PDF printed from it read back with pdftotext.
@Suite(.serialized) struct RenderedReportTests {
    private func screenshot(_ html: [UInt8], language: Language) async throws -> String {
        let directory = try TemporaryDirectory()
        let page = try directory.write(html, to: "report.html")
        let png = directory.file("report.png")
        let profile = directory.file("profile")
        let shot = try await ProcessRunner.run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)",
                "--window-size=1280,2200", "--screenshot=\(png)", "file://\(page)",
            ])
        #expect(shot.status == 0, "\(shot.standardError)")
        let image = try #require(FileManager.default.contents(atPath: png))
        #expect(Array(image.prefix(4)) == [0x89, 0x50, 0x4E, 0x47], "not a PNG")
        let ocr = try await ProcessRunner.run("/usr/bin/tesseract", [png, "-", "-l", language == .vi ? "vie" : "eng"])
        #expect(ocr.status == 0, "\(ocr.standardError)")
        // Where OCR breaks a line (a caption wrapped in its column) is no part of what is checked.
        return ocr.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func theEnglishHTMLRendersWithItsTextAndCharts() async throws {
        let html = try ReportRenderer.render(try ReportFixture.compliance(scope: "hy-dvc"), format: .html, language: .en)
        let page = String(decoding: html, as: UTF8.self)
        // Self-contained: no stylesheet, script, image or font fetched from anywhere.
        #expect(!page.contains("<link") && !page.contains("<script") && !page.contains("src="))
        #expect(page.contains("<svg"))
        // A failing requirement says what to do, from the rule with the open failure.
        #expect(page.contains("<strong>What to do (auth.ssh.root_login):</strong> Use a personal account."))
        #expect(page.components(separatedBy: "class=\"remediation\"").count == 2, "only under the one failing requirement")
        let text = try await screenshot(html, language: .en)
        // Black on white reads reliably; the white words on the coloured badges do not.
        for phrase in [
            "Compliance with the security requirements", "Findings are still unhandled", "Results by requirement group",
            // The chart's caption wraps in its column, and OCR may read the column beside it in between.
            "Certificates by", "days left", "No check result yet", "The attestation has expired", "Over 90 days",
        ] {
            #expect(text.contains(phrase), "\(phrase) not read from the rendered page:\n\(text)")
        }
    }

    @Test func theVietnameseHTMLKeepsItsDiacritics() async throws {
        let html = try ReportRenderer.render(try ReportFixture.compliance(scope: "hy-dvc"), format: .html, language: .vi)
        let text = try await screenshot(html, language: .vi)
        for phrase in ["Báo cáo tuân thủ", "Còn phát hiện chưa được xử lý", "Văn bản áp dụng", "Kết quả theo nhóm yêu cầu"] {
            #expect(text.contains(phrase), "\(phrase) not read from the rendered page:\n\(text)")
        }
    }

    @Test func thePDFIsPrintedFromTheHTMLWithPageNumbers() async throws {
        let report = try ReportFixture.compliance()
        let pdf = try await offThePool { try ReportRenderer.render(report, format: .pdf, language: .vi) }
        #expect(Array(pdf.prefix(5)) == Array("%PDF-".utf8))
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "report.pdf")
        let extracted = try await ProcessRunner.run("/usr/bin/pdftotext", ["-layout", path, "-"])
        #expect(extracted.status == 0)
        let text = extracted.standardOutput
        let digest = try #require(
            String(decoding: try ReportRenderer.render(report, format: .json, language: .vi), as: UTF8.self)
                .split(separator: "\"digest\" : \"").last?.prefix(64))
        for phrase in [
            "Báo cáo tuân thủ yêu cầu bảo đảm an toàn", "Cổng dịch vụ công tỉnh Hưng Yên", "Thư điện tử công vụ",
            "Kỳ báo cáo", "2026-H2: 01/07/2026 – 31/12/2026", "Trang 1 /", String(digest),
        ] {
            #expect(text.contains(phrase), "\(phrase) not in the PDF's text")
        }
    }

    @Test func theCoverageHTMLShowsTheIndicators() async throws {
        let html = try ReportRenderer.render(ReportFixture.coverage(), format: .html, language: .en)
        let text = try await screenshot(html, language: .en)
        for phrase in [
            "Information systems with an approved level dossier", "50.0%", "Stale hosts", "Level approved",
            "Certificates expired or with at most 30 days left",
        ] {
            #expect(text.contains(phrase), "\(phrase) not read from the rendered page:\n\(text)")
        }
    }
}
