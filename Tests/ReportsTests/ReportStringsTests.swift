import CanhModel
import Reports
import Testing

@Suite struct ReportStringsTests {
    @Test func numbersAndDatesFollowEachLanguage() {
        let time = Timestamp(iso8601: "2026-11-22T20:05:00Z") ?? Timestamp(secondsSinceEpoch: 0)
        let vi = ReportStrings.vietnamese
        let en = ReportStrings.english
        #expect(vi.formatInteger(1_234_567) == "1.234.567")
        #expect(en.formatInteger(1_234_567) == "1,234,567")
        #expect(vi.formatPercent(1, 3) == "33,3 %")
        #expect(en.formatPercent(2, 3) == "66.7%")
        #expect(en.formatPercent(0, 0) == "0.0%")
        // 20:05 UTC is 03:05 the next day in Vietnam.
        #expect(vi.formatDate(time) == "23/11/2026")
        #expect(vi.formatDateTime(time) == "03:05 ngày 23/11/2026")
        #expect(en.formatDate(time) == "23 Nov 2026")
        #expect(en.formatDateTime(time) == "23 Nov 2026, 03:05")
    }

    @Test func vietnameseHasItsDiacritics() {
        #expect(ReportStrings.vietnamese.statusName(.notEvaluated) == "Chưa đánh giá")
        #expect(ReportStrings.vietnamese.statusName(.fail) == "Không đạt")
    }
}
