import CanhModel
import Reports
import Testing

@Suite struct ReportPeriodTests {
    @Test(arguments: [
        ("2026", "2025-12-31T17:00:00Z", "2026-12-31T17:00:00Z"),
        ("2026-H2", "2026-06-30T17:00:00Z", "2026-12-31T17:00:00Z"),
        ("2026-Q1", "2025-12-31T17:00:00Z", "2026-03-31T17:00:00Z"),
        ("2026-12", "2026-11-30T17:00:00Z", "2026-12-31T17:00:00Z"),
        ("2026-annual", "2025-12-14T17:00:00Z", "2026-12-14T17:00:00Z"),
        ("2026-07-01..2026-09-30", "2026-06-30T17:00:00Z", "2026-09-30T17:00:00Z"),
    ])
    func periodsAreCutAtMidnightInVietnam(text: String, start: String, end: String) throws {
        let period = try ReportPeriod(parsing: text)
        #expect((period.start.iso8601, period.end.iso8601) == (start, end))
    }

    @Test(arguments: ["2026-H3", "2026-Q5", "2026-13", "26", "2026-09-30..2026-07-01", "last year", ""])
    func otherTextIsRefusedWithTheFormsThatWork(text: String) {
        #expect {
            try ReportPeriod(parsing: text)
        } throws: { error in
            "\(error)".hasPrefix("period \"\(text)\": give a year (2026), a half (2026-H2)")
        }
    }

    @Test func theDefaultIsTheHalfYearInVietnam() {
        // 23:30 on 30 June UTC is already 1 July in Vietnam.
        let time = Timestamp(iso8601: "2026-06-30T23:30:00Z") ?? Timestamp(secondsSinceEpoch: 0)
        #expect(ReportPeriod.halfYear(containing: time).label == "2026-H2")
    }
}
