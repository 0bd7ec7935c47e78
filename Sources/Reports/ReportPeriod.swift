public import CanhModel

/// The span of time a compliance report covers, in Vietnam's time (UTC+07:00, no daylight saving),
/// because reviewers count days and quarters in local dates.
public struct ReportPeriod: Sendable, Hashable, Codable {
    /// As the user wrote it, e.g. `2026-H2`.
    public var label: String
    /// The first instant of the period.
    public var start: Timestamp
    /// The first instant after the period.
    public var end: Timestamp

    /// Vietnam's offset from UTC, the one in which every report date is shown and every period cut.
    public static let localOffset = TimeSpan.hours(7)

    public init(label: String, start: Timestamp, end: Timestamp) {
        self.label = label
        self.start = start
        self.end = end
    }

    /// Why a period could not be read.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "period \"\(text)\": give a year (2026), a half (2026-H2), a quarter (2026-Q4), a month (2026-11), "
                + "the annual reporting period of Circular 12/2022 (2026-annual: 15/12/2025 to 14/12/2026) "
                + "or two dates (2026-07-01..2026-09-30)"
        }
    }

    /// Reads `2026`, `2026-H1`, `2026-Q3`, `2026-11`, `2026-annual` or `2026-07-01..2026-09-30`.
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if text.contains("..") {
            let dates = text.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
            guard dates.count == 2, let first = LocalDate(iso: dates[0]), let last = LocalDate(iso: dates[1]), first <= last
            else { throw ParseError(text: text) }
            self.init(label: text, from: first, through: last)
            return
        }
        guard let year = parts.first.flatMap({ Int64($0) }), parts[0].count == 4 else { throw ParseError(text: text) }
        switch parts.count {
        case 1:
            self.init(label: text, from: LocalDate(year, 1, 1), until: LocalDate(year + 1, 1, 1))
        case 2:
            let part = parts[1]
            if part == "annual" {
                // Circular 12/2022 Art. 13: data from 15 December of the year before to 14 December.
                self.init(label: text, from: LocalDate(year - 1, 12, 15), until: LocalDate(year, 12, 15))
            } else if part.count == 2, let half = Int64(part.dropFirst()), part.first == "H", (1...2).contains(half) {
                self.init(label: text, from: LocalDate(year, 6 * half - 5, 1), until: LocalDate(year, 6 * half + 1, 1).normalised)
            } else if part.count == 2, let quarter = Int64(part.dropFirst()), part.first == "Q", (1...4).contains(quarter) {
                self.init(label: text, from: LocalDate(year, 3 * quarter - 2, 1), until: LocalDate(year, 3 * quarter + 1, 1).normalised)
            } else if part.count == 2, let month = Int64(part), (1...12).contains(month) {
                self.init(label: text, from: LocalDate(year, month, 1), until: LocalDate(year, month + 1, 1).normalised)
            } else {
                throw ParseError(text: text)
            }
        default:
            throw ParseError(text: text)
        }
    }

    /// The half-year holding `time`, the default period of a compliance report.
    public static func halfYear(containing time: Timestamp) -> ReportPeriod {
        let date = LocalDate(time)
        let half: Int64 = date.month <= 6 ? 1 : 2
        return ReportPeriod(
            label: "\(date.year)-H\(half)", from: LocalDate(date.year, 6 * half - 5, 1),
            until: LocalDate(date.year, 6 * half + 1, 1).normalised)
    }

    /// Whether something seen from `first` to `last` was seen during the period.
    public func overlaps(first: Timestamp, last: Timestamp) -> Bool { first < end && last >= start }

    private init(label: String, from first: LocalDate, until next: LocalDate) {
        self.init(label: label, start: first.startInVietnam, end: next.startInVietnam)
    }

    private init(label: String, from first: LocalDate, through last: LocalDate) {
        self.init(label: label, from: first, until: LocalDate(daysSinceEpoch: last.daysSinceEpoch + 1))
    }
}

/// A calendar date in Vietnam's time.
package struct LocalDate: Sendable, Hashable, Comparable {
    package var civil: CivilDate

    package var year: Int64 { civil.year }
    package var month: Int64 { civil.month }
    package var day: Int64 { civil.day }
    package var daysSinceEpoch: Int64 { civil.daysSinceEpoch }

    package init(_ year: Int64, _ month: Int64, _ day: Int64) { civil = CivilDate(year: year, month: month, day: day) }
    package init(daysSinceEpoch: Int64) { civil = CivilDate(daysSinceEpoch: daysSinceEpoch) }

    /// The local date of an instant.
    package init(_ time: Timestamp) {
        let local = (time + ReportPeriod.localOffset).microsecondsSinceEpoch
        let days = local >= 0 ? local / 86_400_000_000 : (local + 1) / 86_400_000_000 - 1
        self.init(daysSinceEpoch: days)
    }

    /// Reads `YYYY-MM-DD`.
    package init?(iso text: String) {
        guard text.count == 10, let midnight = Timestamp(iso8601: text) else { return nil }
        self.init(midnight)
    }

    /// `2026-12-04`.
    package var iso: String {
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// The same day `months` months later (or earlier), clamped to the month's last day.
    package func addingMonths(_ months: Int64) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (index.floorDivided(by: 12), index - index.floorDivided(by: 12) * 12 + 1)
        let firstOfNext = LocalDate(newYear, newMonth + 1, 1).normalised
        let lastDay = LocalDate(daysSinceEpoch: firstOfNext.daysSinceEpoch - 1).day
        return LocalDate(newYear, newMonth, min(day, lastDay))
    }

    /// Month 13 as January of the next year, so that "the month after December" needs no case.
    package var normalised: LocalDate {
        month > 12 ? LocalDate(year + 1, month - 12, day) : self
    }

    /// Local midnight at the start of the date, as an instant.
    package var startInVietnam: Timestamp {
        Timestamp(microsecondsSinceEpoch: normalised.daysSinceEpoch * 86_400_000_000) - ReportPeriod.localOffset
    }

    package static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}
