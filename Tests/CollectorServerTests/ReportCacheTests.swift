import CanhModel
import Reports
import Testing

@testable import CollectorServer

/// The remembered evaluations stay within their count and byte budget, oldest forgotten first.
@Suite struct ReportCacheTests {
    static func annual(_ year: Int) throws -> SealedReport<AnnualReport> {
        let period = try ReportPeriod(parsing: "\(year)-annual")
        return try SealedReport(
            AnnualReport(
                generatedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), rulesVersion: "t", year: year, period: period, owner: nil,
                form: .decree331,
                deadlines: AnnualDeadlines(
                    toOwner: "\(year)-12-19", daysToOwner: 1, onward: "\(year)-12-24", daysOnward: 6,
                    recipient: LocalizedText(vi: "Bộ Công an", en: "MPS")), totals: AnnualTotals(), owners: [], systems: []))
    }

    @Test("at most `capacity` evaluations and `byteBudget` bytes; the newest is always kept")
    func bounded() async throws {
        let reports = try (2020...2024).map(Self.annual)
        let size = reports[0].canonicalJSON.count
        let cache = ReportCache(capacity: 3, byteBudget: size * 2 + size / 2)
        for report in reports { await cache.remember(.annual(report), digest: report.digest) }
        // Three fit the count, but only two the bytes.
        #expect(await cache.entry(digest: reports[4].digest) != nil)
        #expect(await cache.entry(digest: reports[3].digest) != nil)
        #expect(await cache.entry(digest: reports[2].digest) == nil)
        let tiny = ReportCache(capacity: 3, byteBudget: 1)
        await tiny.remember(.annual(reports[0]), digest: reports[0].digest)
        #expect(await tiny.entry(digest: reports[0].digest) != nil, "one evaluation is kept even over the budget")
    }
}
