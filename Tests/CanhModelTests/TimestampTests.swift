import CanhModel
import Testing

@Suite struct TimestampTests {
    @Test(
        "ISO 8601 times round-trip through microseconds",
        arguments: [
            ("2026-11-22T03:14:15Z", Int64(1_795_317_255)),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1),
            ("2024-02-29T12:00:00Z", 1_709_208_000),
            ("2000-03-01T00:00:00Z", 951_868_800),
        ])
    func roundTrip(text: String, seconds: Int64) throws {
        let time = try #require(Timestamp(iso8601: text))
        #expect(time == Timestamp(secondsSinceEpoch: seconds))
        #expect(time.iso8601 == text)
    }

    @Test("offsets, fractions and bare dates are understood")
    func variants() {
        #expect(Timestamp(iso8601: "2026-11-22T10:14:15+07:00") == Timestamp(iso8601: "2026-11-22T03:14:15Z"))
        #expect(Timestamp(iso8601: "2026-11-22T03:14:15.250Z")?.microsecondsSinceEpoch == 1_795_317_255_250_000)
        #expect(Timestamp(iso8601: "2026-11-22") == Timestamp(iso8601: "2026-11-22T00:00:00Z"))
    }

    @Test(
        "malformed times are rejected",
        arguments: [
            "2026-13-01T00:00:00Z", "2026-02-30", "2025-02-29", "2026-11-22T24:00:00Z", "2026-11-22T03:14:15",
            "22/11/2026", "", "2026-11-22T03:14:15Zjunk",
        ])
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("durations are written as in rule files")
    func timeSpans() {
        #expect(TimeSpan(parsing: "10m") == .minutes(10))
        #expect(TimeSpan(parsing: "1h30m") == .minutes(90))
        #expect(TimeSpan(parsing: "7d") == .days(7))
        #expect(TimeSpan.minutes(90).description == "1h30m")
        #expect(TimeSpan.zero.description == "0s")
        for bad in ["10", "m", "10x", "1.5h", "", "-5m", "99999999999999999999s"] {
            #expect(TimeSpan(parsing: bad) == nil, "\(bad) should be rejected")
        }
    }
}
