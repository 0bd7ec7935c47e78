import Glibc

/// A point in time as microseconds since the Unix epoch, UTC — the journal's own resolution.
///
/// Canh never reads the wall clock inside the engine: timestamps come from journal entries
/// or from `--now`, so replaying an old journal yields what a live run would have.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Saturates at the ends of the representable range instead of trapping: seconds can come from
    /// files and requests.
    public init(secondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = secondsSinceEpoch.saturatingMultiplied(by: 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    // Saturating rather than wrapping or trapping: a span far too long for the clock means "never"
    // or "always", not a date in another century, and never a crash.
    public static func + (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: lhs.microsecondsSinceEpoch.saturatingAdded(rhs.microseconds))
    }

    public static func - (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: lhs.microsecondsSinceEpoch.saturatingAdded(rhs.microseconds.saturatingNegated))
    }

    /// The time span from `earlier` to `self`.
    public func since(_ earlier: Timestamp) -> TimeSpan {
        TimeSpan(microseconds: microsecondsSinceEpoch.saturatingAdded(earlier.microsecondsSinceEpoch.saturatingNegated))
    }

    /// The last instant Canh reads or writes: 9999-12-31T23:59:59Z, the end of four-digit years.
    public static let latest = Timestamp(microsecondsSinceEpoch: 253_402_300_799_000_000)

    /// RFC 3339 / ISO 8601 in UTC with whole seconds, e.g. `2026-11-22T03:14:15Z`.
    public var iso8601: String {
        let seconds = microsecondsSinceEpoch.floorDivided(by: 1_000_000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        // Written digit by digit: records carry several times each, and interpolation is slow.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func append(_ value: Int64, digits: Int, then separator: UInt8) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = max(0, value)
            while divisor > 0 {
                bytes.append(UInt8(truncatingIfNeeded: 48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
            bytes.append(separator)
        }
        append(Int64(date.year), digits: 4, then: 45)  // -
        append(Int64(date.month), digits: 2, then: 45)
        append(Int64(date.day), digits: 2, then: 84)  // T
        append(Int64(secondOfDay / 3600), digits: 2, then: 58)  // :
        append(Int64(secondOfDay / 60 % 60), digits: 2, then: 58)
        append(Int64(secondOfDay % 60), digits: 2, then: 90)  // Z
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { iso8601 }

    /// Parses `2026-11-22T03:14:15Z`, with optional fractional seconds and a `±HH:MM` offset,
    /// or a bare date `2026-11-22` (midnight UTC). Returns nil for anything else.
    public init?(iso8601 text: some StringProtocol) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var micros = CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400_000_000
        if scanner.atEnd {
            self.init(microsecondsSinceEpoch: micros)
            return
        }
        guard scanner.skip("T") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        micros += (hour * 3600 + minute * 60 + second) * 1_000_000
        if scanner.skip(".") {
            guard let fraction = scanner.fraction() else { return nil }
            micros += fraction
        }
        if scanner.skip("Z") || scanner.skip("z") {
        } else if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2), scanner.skip(":"),
                let offsetMinutes = scanner.number(digits: 2)
            else { return nil }
            micros -= sign * (offsetHours * 3600 + offsetMinutes * 60) * 1_000_000
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        self.init(microsecondsSinceEpoch: micros)
    }
}

/// A length of time in microseconds, written in rule files as `30s`, `10m`, `2h`, `7d`, `1w` or `1h30m`.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    // Saturating: these take numbers from requests, flags and files.
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(microseconds: value.saturatingMultiplied(by: 1_000_000)) }
    public static func minutes(_ value: Int64) -> TimeSpan { .seconds(value.saturatingMultiplied(by: 60)) }
    public static func hours(_ value: Int64) -> TimeSpan { .seconds(value.saturatingMultiplied(by: 3600)) }
    public static func days(_ value: Int64) -> TimeSpan { .seconds(value.saturatingMultiplied(by: 86_400)) }
    public static let zero = TimeSpan(microseconds: 0)

    /// Whole days, rounded towards zero.
    public var wholeDays: Int64 { microseconds / TimeSpan.days(1).microseconds }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.microseconds < rhs.microseconds }

    private static let units: [(suffix: UInt8, seconds: Int64)] = [
        (UInt8(ascii: "w"), 604_800), (UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3600),
        (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1),
    ]

    /// Parses one or more `<number><unit>` groups (units w, d, h, m, s). Returns nil otherwise.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64?
        for byte in bytes {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let (scaled, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = scaled.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                number = next
            } else if let unit = TimeSpan.units.first(where: { $0.suffix == byte }), let value = number {
                let (micros, overflow1) = value.multipliedReportingOverflow(by: unit.seconds * 1_000_000)
                let (sum, overflow2) = total.addingReportingOverflow(micros)
                guard !overflow1, !overflow2 else { return nil }
                total = sum
                number = nil
            } else {
                return nil
            }
        }
        guard number == nil else { return nil }
        self.init(microseconds: total)
    }

    /// The shortest exact spelling, e.g. `10m`, `1h30m`, `0s`.
    public var description: String {
        guard microseconds != 0 else { return "0s" }
        guard microseconds % 1_000_000 == 0 else { return "\(microseconds)us" }
        var remaining = microseconds / 1_000_000
        var text = ""
        for unit in TimeSpan.units where remaining >= unit.seconds {
            text += "\(remaining / unit.seconds)\(Character(Unicode.Scalar(unit.suffix)))"
            remaining %= unit.seconds
        }
        return text
    }
}

/// A proleptic Gregorian date, converted with Howard Hinnant's days-from-civil algorithms.
package struct CivilDate: Sendable, Hashable {
    package var year: Int64
    package var month: Int64
    package var day: Int64

    package init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    package init(daysSinceEpoch: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    package var daysSinceEpoch: Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads fixed-width decimal fields of an ASCII date.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard let digit = byte.decimalDigit else { return nil }
            value = value * 10 + digit
        }
        index += digits
        return value
    }

    /// Up to microsecond precision; further digits are accepted and ignored.
    mutating func fraction() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, let digit = bytes[index].decimalDigit {
            if count < 6 { value = value * 10 + digit }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        if count < 6 {
            for _ in count..<6 { value *= 10 }
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}

extension UInt8 {
    fileprivate var decimalDigit: Int64? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? Int64(self - UInt8(ascii: "0")) : nil
    }
}

extension Int64 {
    /// The product, or the nearest representable value when it overflows.
    package func saturatingMultiplied(by factor: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard overflow else { return product }
        return (self < 0) == (factor < 0) ? .max : .min
    }

    /// The sum, or the nearest representable value when it overflows.
    package func saturatingAdded(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }

    /// The negation, with `.min` (which has none) mapped to `.max`.
    package var saturatingNegated: Int64 { self == .min ? .max : -self }

    /// Division rounding towards negative infinity, so dates before 1970 format correctly.
    package func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Timestamp {
    /// Timestamps travel as ISO 8601 text (`2026-11-22T03:14:15Z`), as people and other tools read them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 time like 2026-11-22T03:14:15Z")
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

extension Timestamp {
    /// The real-time clock, to the microsecond.
    public static func now() -> Timestamp {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        return Timestamp(microsecondsSinceEpoch: Int64(clock.tv_sec) * 1_000_000 + Int64(clock.tv_nsec) / 1000)
    }
}
