import CanhModel
import CollectorClient
import Foundation
import NIOHTTP1
import Reports
import TestSupport
import Testing

/// The facts of the annual report kept in the inventory, through a real `canh-collector serve`:
/// set from the command line, shown back, and refused when malformed or posted by the wrong role.
@Suite struct InventoryFactsTests {
    @Test("system update and system assess record the dossier, contact, go-live, plan and assessments; system show returns them")
    func commandLine() async throws {
        let collector = try await CollectorProcess()
        let update = try await collector.command([
            "system", "update", "--id", "hy-portal", "--proposed-level", "3", "--dossier", "approved", "--decision", "1234/QĐ-UBND",
            "--decision-date", "2025-06-30", "--decision-issuer", "UBND tỉnh Hưng Yên", "--appraisal", "56/BC-SKHCN",
            "--appraisal-date", "2025-06-01", "--regulation", "1479/QĐ-UBND", "--regulation-date", "2025-10-22",
            "--security-unit", "Trung tâm CNTT-TT", "--contact-name", "Nguyễn Văn An", "--contact-email", "an@hungyen.gov.vn",
            "--go-live", "2019-05-01", "--plan", "partial", "--plan-expected", "2027-06-30",
        ])
        #expect(update.status == 0, "\(update.standardError)")
        let assess = try await collector.command([
            "system", "assess", "hy-portal", "--date", "2026-03-15", "--kind", "periodic", "--assessor", "Công ty B", "--result", "đạt",
        ])
        #expect(assess.status == 0, "\(assess.standardError)")
        let show = try await collector.command(["system", "show", "hy-portal"])
        let system = try JSONDecoder().decode(InformationSystem.self, from: Data(show.standardOutput.utf8))
        #expect(system.proposedLevel?.rawValue == 3 && system.dossier == .approved && system.decisionIssuer == "UBND tỉnh Hưng Yên")
        #expect(system.appraisal == Decision(number: "56/BC-SKHCN", date: "2025-06-01"))
        #expect(system.regulation?.number == "1479/QĐ-UBND")
        #expect(system.contact == Contact(name: "Nguyễn Văn An", email: "an@hungyen.gov.vn"))
        #expect(system.goLive == "2019-05-01" && system.plan == .partial && system.planExpected == "2027-06-30")
        #expect(system.assessments == [Assessment(date: "2026-03-15", kind: .periodic, assessor: "Công ty B", result: "đạt")])
        // A date that does not exist is refused before anything is sent.
        let badDate = try await collector.command(["system", "update", "--id", "hy-portal", "--go-live", "2026-02-30"])
        #expect(badDate.status != 0)
        #expect(badDate.standardError.contains("--go-live 2026-02-30: a date is YYYY-MM-DD."), "\(badDate.standardError)")
    }

    @Test("the API refuses impossible dates, control characters and unknown kinds in the facts, and an analyst's update")
    func refused() async throws {
        let collector = try await CollectorProcess()
        let admin = try collector.client()
        let analystToken = try await collector.userToken("triage", role: "analyst")
        let analyst = try collector.client(token: analystToken)
        defer {
            Task {
                await admin.shutdown()
                await analyst.shutdown()
            }
        }
        let base = #""id":"hy-portal","name":"Cổng","owner":"UBND","level":3,"dossier":"drafting""#
        for (body, message) in [
            (#"{\#(base),"go_live":"2026-02-30"}"#, #"go_live: \"2026-02-30\" is not a date; write YYYY-MM-DD"#),
            (#"{\#(base),"contact":{"name":"An\u001b[2J"}}"#, "contact.name: at most 512 characters and no control characters"),
            (
                #"{\#(base),"assessments":[{"date":"2026-01-01","kind":"yearly","assessor":"B","result":"đạt"}]}"#,
                "assessments"
            ),
            (#"{\#(base),"regulation":{"number":"1","date":"2025.10.22"}}"#, #"regulation.date: \"2025.10.22\" is not a date"#),
            (#"{\#(base),"plan":"most"}"#, "plan"),
            (
                #"{\#(base),"monitored_elsewhere":{"by":"","evidence":"HĐ 1","until":"2027-01-01"}}"#,
                "monitored_elsewhere: name who monitors it (by) and what shows it (evidence)"
            ),
            (
                #"{\#(base),"monitored_elsewhere":{"by":"SOC","evidence":"HĐ 1","until":"mãi mãi"}}"#,
                #"monitored_elsewhere.until: \"mãi mãi\" is not a date"#
            ),
        ] {
            let answer = try await admin.raw(.PUT, "/api/v1/systems/hy-portal", body: Array(body.utf8))
            #expect(answer.status == 400, "\(body): \(answer.body)")
            #expect(answer.body.contains(message), "\(body): \(answer.body)")
        }
        let byAnalyst = try await analyst.raw(.PUT, "/api/v1/systems/hy-portal", body: Array(#"{\#(base),"plan":"full"}"#.utf8))
        #expect(byAnalyst.status == 403)
        let stored: InformationSystem = try await admin.get("/api/v1/systems/hy-portal")
        #expect(
            stored.plan == .none && stored.goLive == nil && stored.dossier != .drafting && stored.monitoredElsewhere == nil,
            "nothing refused was stored")
    }
}

/// `report annual` through a real collector and the real command line.
@Suite struct AnnualReportCommandTests {
    @Test("report annual writes the DOCX and JSON of one year; a year before Decree 85/2016 and an unknown owner are refused")
    func annual() async throws {
        let collector = try await CollectorProcess()
        let out = try TemporaryDirectory()
        let viewer = try await collector.userToken("reader", role: "viewer")
        let docx = try await collector.command(
            ["report", "annual", "--year", "2026", "--format", "docx", "--output", out.file("a.docx")], token: viewer)
        #expect(docx.status == 0, "\(docx.standardError)")
        let text = try await ProcessRunner.run("/usr/bin/pandoc", [out.file("a.docx"), "--to=plain", "--wrap=none"])
        #expect(text.standardOutput.contains("Cổng thông tin điện tử tỉnh"), "\(text.standardOutput)")
        #expect(text.standardOutput.contains("Đã được phê duyệt"))
        let json = try await collector.command(
            ["report", "annual", "--year", "2026", "--format", "json", "--owner", "UBND tỉnh Hưng Yên"], token: viewer)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(document["report"] as? String == "annual")
        let data = try #require(document["data"] as? [String: Any])
        #expect((data["totals"] as? [String: Any])?["approved"] as? Int == 1)
        let early = try await collector.command(["report", "annual", "--year", "2015"])
        #expect(early.status != 0 && early.standardError.contains("--year 2015: a year from 2016"), "\(early.standardError)")
        let stranger = try await collector.command(["report", "annual", "--year", "2026", "--owner", "Sở khác"])
        #expect(stranger.status == 2)
        #expect(stranger.standardError.contains("owner: no system of the inventory has the owner \"Sở khác\""), "\(stranger.standardError)")
    }

    @Test("report annual --format all writes JSON, HTML, CSV, PDF and DOCX of one evaluation, all carrying its digest")
    func everyFormatFromTheCommandLine() async throws {
        let collector = try await CollectorProcess()
        let out = try TemporaryDirectory()
        let written = try await collector.command(["report", "annual", "--year", "2026", "--format", "all", "--output", out.file("annual")])
        #expect(written.status == 0, "\(written.standardError)")
        let directory = out.file("annual")
        let json = try #require(FileManager.default.contents(atPath: directory + "/canh-annual-2026.json"))
        let digest = try JSONDecoder().decode(CollectorAPITests.ReportEnvelope<AnnualReport>.self, from: json).digest
        #expect(written.standardError.contains("every format carries the digest \(digest)"))
        let html = try String(contentsOfFile: directory + "/canh-annual-2026-vi.html", encoding: .utf8)
        let csv = try String(contentsOfFile: directory + "/canh-annual-2026-vi.csv", encoding: .utf8)
        let pdf = try await ProcessRunner.run("/usr/bin/pdftotext", [directory + "/canh-annual-2026-vi.pdf", "-"])
        let docx = try await ProcessRunner.run("/usr/bin/pandoc", [directory + "/canh-annual-2026-vi.docx", "--to=plain", "--wrap=none"])
        for (format, text) in [("html", html), ("csv", csv), ("pdf", pdf.standardOutput), ("docx", docx.standardOutput)] {
            #expect(text.split(whereSeparator: \.isWhitespace).joined().contains(digest), "\(format) carries the digest of the JSON")
        }
        let noDirectory = try await collector.command(["report", "annual", "--year", "2026", "--format", "all"])
        #expect(noDirectory.status != 0 && noDirectory.standardError.contains("--format all writes several files"))
    }
}
