import CanhModel
import Reports
import Rules
import TestSupport
import Testing

/// The inventory's facts as evidence for the management requirements they prove, and the regime a
/// report cites, judged with the real rule pack.
@Suite struct InventoryEvidenceTests {
    static let pack: RulePack? = {
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        return loaded.problems.isEmpty ? loaded.pack : nil
    }()

    private func evaluate(_ system: InformationSystem, now: String = "2026-11-22T03:00:00Z") throws -> SystemCompliance {
        let pack = try #require(Self.pack)
        let time = try #require(Timestamp(iso8601: now))
        let evaluation = ComplianceEvaluation(pack: pack, period: ReportPeriod.halfYear(containing: time), now: time)
        return evaluation.evaluate(.init(system: system, hosts: [], findings: [], attestations: [], certificates: []))
    }

    private func requirement(_ id: String, of system: SystemCompliance) throws -> RequirementCompliance {
        try #require(system.requirements.first { $0.id == id })
    }

    private static func system(level: Int, _ change: (inout InformationSystem) -> Void = { _ in }) -> InformationSystem {
        var system = InformationSystem(
            id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level(rawValue: level) ?? .lowest)
        change(&system)
        return system
    }

    @Test("an approved dossier with the plan carried out proves ND85-MGT-DOS-01; anything less fails it, saying what is missing")
    func dossier() throws {
        let approved = try requirement(
            "ND85-MGT-DOS-01",
            of: evaluate(
                Self.system(level: 3) {
                    $0.dossier = .approved
                    $0.decisionNumber = "1234/QĐ-UBND"
                    $0.decisionDate = "2025-06-30"
                    $0.decisionIssuer = "UBND tỉnh Hưng Yên"
                    $0.plan = .full
                }))
        #expect((approved.status, approved.reason) == (.manual, .inventoryFacts))
        #expect(
            approved.inventoryEvidence?.vi
                == "Hồ sơ đề xuất cấp độ được phê duyệt theo Quyết định 1234/QĐ-UBND ngày 30/06/2025 của UBND tỉnh Hưng Yên; phương án đã triển khai đầy đủ."
        )
        #expect(approved.lastChecked == Timestamp(iso8601: "2025-06-29T17:00:00Z"), "the decision's date, Vietnam's midnight")

        let partly = try requirement(
            "ND85-MGT-DOS-01",
            of: evaluate(
                Self.system(level: 3) {
                    $0.dossier = .approved
                    $0.decisionNumber = "1234/QĐ-UBND"
                    $0.plan = .partial
                    $0.planExpected = "2027-06-30"
                }))
        #expect((partly.status, partly.reason) == (.fail, .inventoryShowsUnmet))
        #expect(
            partly.inventoryEvidence?.en == "Level dossier approved by decision 1234/QĐ-UBND; plan partly carried out, full by 2027-06-30.")

        let appraised = try requirement("ND85-MGT-DOS-01", of: evaluate(Self.system(level: 2) { $0.dossier = .appraised }))
        #expect((appraised.status, appraised.reason) == (.fail, .inventoryShowsUnmet))
        #expect(appraised.inventoryEvidence?.vi.hasPrefix("Hồ sơ đề xuất cấp độ chưa được phê duyệt (đã thẩm định)") == true)
    }

    @Test(
        "an assessment proves ND85-MGT-ASM-01 within the level's period: 2 years below level 3, a year at 3–4, 6 months at 5",
        arguments: [
            (2, "2025-03-01", true), (2, "2024-11-21", false), (3, "2025-11-22", true), (3, "2025-11-21", false),
            (4, "2026-01-10", true), (5, "2026-05-22", true), (5, "2026-05-21", false),
        ])
    func assessment(level: Int, date: String, met: Bool) throws {
        let system = Self.system(level: level) {
            $0.assessments = [
                Assessment(date: "2020-01-01", kind: .beforeUse, assessor: "Trung tâm A", result: "đạt"),
                Assessment(date: date, kind: .periodic, assessor: "Công ty B (được cấp phép)", result: "đạt"),
            ]
        }
        let entry = try requirement("ND85-MGT-ASM-01", of: evaluate(system))
        #expect(entry.status == (met ? .manual : .fail))
        #expect(entry.reason == (met ? .inventoryFacts : .inventoryShowsUnmet))
        #expect(entry.inventoryEvidence?.en.hasPrefix("Latest periodic assessment on \(date) by Công ty B (được cấp phép)") == true)
    }

    @Test("no assessment recorded fails ND85-MGT-ASM-01 and says the period")
    func noAssessment() throws {
        let entry = try requirement("ND85-MGT-ASM-01", of: evaluate(Self.system(level: 5)))
        #expect((entry.status, entry.reason) == (.fail, .inventoryShowsUnmet))
        #expect(entry.inventoryEvidence?.vi == "Chưa ghi nhận lần kiểm tra, đánh giá nào; cấp độ 5 phải được đánh giá ít nhất mỗi 6 tháng.")
    }

    @Test(
        "the regime follows the go-live date and the report date (Decree 331/2026 Art. 38–39)",
        arguments: [
            (nil, "2026-11-22T03:00:00Z", ["nd85", "nd331"], "go_live_unknown"),
            ("2025-05-01", "2026-11-22T03:00:00Z", ["nd85", "nd331"], "transition"),
            ("2025-05-01", "2027-08-18T03:00:00Z", ["nd85", "nd331"], "transition"),
            ("2025-05-01", "2027-08-19T03:00:00Z", ["nd331"], "after_transition"),
            ("2026-07-01", "2026-11-22T03:00:00Z", ["nd331"], "new_system"),
            ("2026-09-01", "2026-08-18T16:59:59Z", ["nd85"], "before_nd331"),
        ] as [(String?, String, [String], String)])
    func regime(goLive: String?, now: String, regimes: [String], reason: String) throws {
        let choice = RegimeChoice.choose(goLive: goLive, reportDate: try #require(Timestamp(iso8601: now)))
        #expect(choice.regimes.map(\.rawValue) == regimes)
        #expect(choice.reason.rawValue == reason)
    }

    @Test("a report prints the citations of the system's regime: a new system's shows Decree 331/2026 only, an older one's both")
    func citationsFollowTheRegime() throws {
        let newSystem = try evaluate(Self.system(level: 3) { $0.goLive = "2026-09-01" })
        let olderSystem = try evaluate(Self.system(level: 3) { $0.goLive = "2024-02-01" })
        let strings = ReportStrings.of(.vi)
        let auth = try requirement("ND85-SRV-AUTH-01", of: newSystem)
        #expect(
            strings.citationLines(auth, regime: newSystem.regime).first
                == "Hiện hành (NĐ 331/2026, TCVN 14423:2026): TCVN 14423:2026 mục 5.6.2.2 b, 5.5.2.2 a")
        #expect(!strings.citationLines(auth, regime: newSystem.regime).contains { $0.contains("TT 12/2022") })
        let older = strings.citationLines(try requirement("ND85-SRV-AUTH-01", of: olderSystem), regime: olderSystem.regime)
        #expect(
            older.prefix(2) == [
                "Căn cứ (NĐ 85/2016, TT 12/2022, TCVN 11930:2017): TT 12/2022 Phụ lục III, mục II.2, STT 1.2.1 (TCVN 11930:2017 mục 7.2.2.1)",
                "Hiện hành (NĐ 331/2026, TCVN 14423:2026): TCVN 14423:2026 mục 5.6.2.2 b, 5.5.2.2 a",
            ])
        #expect(
            older.contains { $0.hasPrefix("Ngưỡng (suy luận của Canh, không có trong văn bản): ") }, "the lockout threshold is an inference"
        )
        // A requirement only the legacy texts cite is still cited under the new regime.
        let handover = try requirement("ND85-SRV-HANDOVER-01", of: newSystem)
        #expect(strings.citationLines(handover, regime: newSystem.regime).first?.hasPrefix("Căn cứ (NĐ 85/2016") == true)
        // The idle timeout is a suggestion, and the report says so.
        let idle = strings.citationLines(try requirement("ND85-SRV-AUTH-04", of: newSystem), regime: newSystem.regime)
        #expect(idle.contains { $0.hasPrefix("gợi ý (được chọn mức khác nếu phương án giải trình)") })
    }
}
