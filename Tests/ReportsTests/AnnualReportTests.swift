import CanhModel
import Foundation
import Reports
import Rules
import TestSupport
import Testing

/// The annual report of form Mẫu 08, built from an inventory of three systems at a fixed time and
/// read back from what a reviewer receives: the PDF's text and the DOCX's text.
@Suite struct AnnualReportTests {
    static let now = Timestamp(iso8601: "2026-12-04T03:00:00Z") ?? Timestamp(secondsSinceEpoch: 0)

    static func systems() -> [ComplianceEvaluation.SystemFacts] {
        let portal = InformationSystem(
            id: "hy-dvc", name: "Cổng dịch vụ công tỉnh", owner: "UBND tỉnh Hưng Yên", operatorUnit: "Sở KH&CN",
            level: Level(rawValue: 3) ?? .lowest, proposedLevel: Level(rawValue: 3), dossier: .approved, decisionNumber: "1234/QĐ-UBND",
            decisionDate: "2025-06-30", decisionIssuer: "UBND tỉnh Hưng Yên",
            regulation: Decision(number: "1479/QĐ-UBND", date: "2025-10-22", issuer: "UBND tỉnh Hưng Yên"),
            securityUnit: "Trung tâm CNTT-TT", contact: Contact(name: "Nguyễn Văn An", title: "Phó Giám đốc", email: "an@hungyen.gov.vn"),
            goLive: "2019-05-01", plan: .full,
            assessments: [
                Assessment(date: "2019-04-20", kind: .beforeUse, assessor: "Cục ATTT", result: "đạt"),
                Assessment(date: "2026-03-15", kind: .periodic, assessor: "Công ty B", result: "đạt"),
                // After the period's end (14/12): not in this year's report.
                Assessment(date: "2026-12-20", kind: .periodic, assessor: "Công ty C", result: "đạt"),
            ])
        let mail = InformationSystem(
            id: "hy-mail", name: "Thư điện tử công vụ", owner: "UBND tỉnh Hưng Yên", level: Level(rawValue: 2) ?? .lowest,
            dossier: .appraised, appraisal: Decision(number: "71/BC-SKHCN", date: "2026-10-05"), expectedApproval: "2027-03-31",
            plan: .none, planExpected: "2027-12-31")
        let clinic = InformationSystem(
            id: "syt-his", name: "Phần mềm quản lý bệnh viện", owner: "Sở Y tế", level: Level(rawValue: 3) ?? .lowest, dossier: .approved,
            decisionNumber: "88/QĐ-SYT", plan: .partial,
            assessments: [Assessment(date: "2025-10-01", kind: .periodic, assessor: "Công ty B", result: "đạt")])
        return [portal, mail, clinic].map { .init(system: $0, hosts: [], findings: [], attestations: [], certificates: []) }
    }

    static func report(owner: String? = nil) throws -> AnnualReport {
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        #expect(loaded.problems.isEmpty)
        let evaluation = AnnualEvaluation(pack: loaded.pack, year: 2026, now: now)
        return evaluation.report(
            owner: owner, systems: systems(),
            monitoring: MonitoringFacts(period: evaluation.period, reportingDays: [:], sentBySystem: [:], deadBySystem: [:], sent: 0))
    }

    @Test("Part 1 counts the form's totals; the period is 15/12/2025–14/12/2026 and the deadlines count down")
    func totals() throws {
        let report = try Self.report()
        #expect(report.period.start == Timestamp(iso8601: "2025-12-14T17:00:00Z"), "15/12/2025 at midnight in Vietnam")
        #expect(report.period.end == Timestamp(iso8601: "2026-12-14T17:00:00Z"))
        #expect(report.form == .decree331)
        #expect(report.deadlines.toOwner == "2026-12-19" && report.deadlines.daysToOwner == 15)
        #expect(report.deadlines.onward == "2026-12-24" && report.deadlines.daysOnward == 20)
        let totals = report.totals
        #expect([totals.systems, totals.classified, totals.dossierBuilt, totals.appraised, totals.approved] as [Int] == [3, 3, 3, 3, 2])
        // The hospital's last assessment (1/10/2025) is over a year old at the period's end.
        #expect(totals.approvedAndAssessed == 1)
        #expect(totals.expectedCompletion == "2027-03-31")
        #expect(report.systems.map(\.id) == ["syt-his", "hy-dvc", "hy-mail"], "by owner, then name")
        let portal = try #require(report.systems.first { $0.id == "hy-dvc" })
        #expect(portal.assessed == [.beforeUse, .periodic])
        #expect(portal.latestAssessment?.date == "2026-03-15", "an assessment after 14/12 belongs to next year's report")
        #expect(try Self.report(owner: "Sở Y tế").systems.map(\.id) == ["syt-his"])
    }

    @Test("the PDF reads back as the form: header, the three parts, the signature block and the deadline banner")
    func pdf() async throws {
        let report = try Self.report(owner: "UBND tỉnh Hưng Yên")
        let pdf = try await offThePool { try ReportRenderer.render(report, format: .pdf, language: .vi) }
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "annual.pdf")
        let text = try await ProcessRunner.run("/usr/bin/pdftotext", [path, "-"]).standardOutput
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for phrase in [
            "UBND TỈNH HƯNG YÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: ……/BC-……",
            "V/v kết quả công tác bảo đảm an ninh mạng hệ thống thông tin", "Kính gửi: Bộ Công an",
            "(Số liệu từ ngày 15/12/2025 đến ngày 14/12/2026)", "Tổng số hệ thống thông tin thuộc phạm vi quản lý: 2;",
            "Tổng số hệ thống thông tin đã được phê duyệt cấp độ: 1;", "(1) Tên: Trung tâm CNTT-TT",
            "(3) Người đại diện, chức vụ: Nguyễn Văn An, Phó Giám đốc", "1234/QĐ-UBND, ngày 30/06/2025, UBND tỉnh Hưng Yên",
            "Đã thẩm định", "31/03/2027", "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên, đóng dấu)",
            "19/12/2026 (còn 15 ngày)", "24/12/2026 (còn 20 ngày)",
        ] {
            #expect(flat.contains(phrase), "\(phrase) not in the PDF:\n\(text)")
        }
        let sealed = try SealedReport(report)
        #expect(flat.contains(sealed.digest), "the PDF carries the data's digest")
    }

    @Test("the DOCX, written by pandoc, reads back with the same content and without the banner")
    func docx() async throws {
        let report = try Self.report(owner: "UBND tỉnh Hưng Yên")
        let docx = try await offThePool { try ReportRenderer.render(report, format: .docx, language: .vi) }
        #expect(Array(docx.prefix(4)) == [0x50, 0x4B, 0x03, 0x04], "a ZIP archive, as every DOCX")
        let directory = try TemporaryDirectory()
        let path = try directory.write(docx, to: "annual.docx")
        let text = try await ProcessRunner.run("/usr/bin/pandoc", [path, "--to=plain", "--wrap=none"]).standardOutput
        for phrase in [
            "UBND TỈNH HƯNG YÊN", "Độc lập - Tự do - Hạnh phúc", "Số: ……/BC-……", "1. Thông tin chung",
            "Tổng số hệ thống thông tin đã xây dựng hồ sơ đề xuất cấp độ: 2;", "Quy chế bảo đảm ANM cho hệ thống", "1479/QĐ-UBND",
            "Đã triển khai đầy đủ", "Chưa triển khai", "Trước khi đưa vào sử dụng; Định kỳ", "THỦ TRƯỞNG CƠ QUAN",
        ] {
            #expect(text.contains(phrase), "\(phrase) not in the DOCX:\n\(text)")
        }
        #expect(!text.contains("không thuộc văn bản"), "the deadline banner is a note for the author, not part of the document")
        #expect(text.contains(try SealedReport(report).digest))
    }

    @Test("JSON, CSV and HTML of one evaluation carry one digest")
    func oneDigest() throws {
        let report = try Self.report()
        let json = try JSONSerialization.jsonObject(with: Data(try ReportRenderer.render(report, format: .json, language: .vi)))
        let digest = try #require((json as? [String: Any])?["digest"] as? String)
        let csv = String(decoding: try ReportRenderer.render(report, format: .csv, language: .en), as: UTF8.self)
        let html = String(decoding: try ReportRenderer.render(report, format: .html, language: .en), as: UTF8.self)
        #expect(csv.contains(digest) && html.contains(digest))
        #expect(csv.contains("2,Cổng dịch vụ công tỉnh,UBND tỉnh Hưng Yên,Sở KH&CN,3,Approved,"), "\(csv)")
    }
}
