/// systemd's spellings of durations and sizes (systemd.time(7), journald.conf(5)), for judging
/// configuration values as journald reads them.
enum SystemdValues {
    /// A boolean as systemd parses it (`yes`, `true`, `on`, `1`).
    static func isTrue(_ text: String) -> Bool { ["yes", "y", "true", "t", "on", "1"].contains(text.lowercased()) }

    /// Seconds in `1month`, `3 months`, `1y 6M`, `90d`, `2w`; a bare number is seconds. nil if
    /// malformed.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("usec", 1e-6), ("us", 1e-6), ("msec", 1e-3), ("ms", 1e-3), ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
            ("minutes", 60), ("minute", 60), ("min", 60), ("months", 2_629_800), ("month", 2_629_800), ("M", 2_629_800), ("m", 60),
            ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600), ("days", 86_400), ("day", 86_400), ("d", 86_400),
            ("weeks", 604_800), ("week", 604_800), ("w", 604_800), ("years", 31_557_600), ("year", 31_557_600), ("y", 31_557_600),
        ]
        var rest = Substring(text.filter { !$0.isWhitespace })
        guard !rest.isEmpty else { return nil }
        if let plain = Double(rest) { return plain }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            // Units are case-sensitive only for M (month) against m (minute).
            guard
                let factor = units.first(where: { $0.0 == String(unit) })?.1
                    ?? units.first(where: { $0.0 == unit.lowercased() && $0.0 != "m" })?.1
            else { return nil }
            total += value * factor
            rest = rest.dropFirst(unit.count)
        }
        return total
    }

    /// Bytes in `4G`, `500M`, `1.5T`, `4096` (base 1024, as journald reads them). nil if malformed.
    static func bytes(_ text: String) -> Int64? {
        var value = text.trimmingCharacters
        var factor: Double = 1
        if let last = value.last, let power = ["B": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6][String(last).uppercased()] {
            factor = pow1024(power)
            value.removeLast()
        }
        guard let number = Double(value), number >= 0 else { return nil }
        return Int64(number * factor)
    }

    private static func pow1024(_ power: Int) -> Double { (0..<power).reduce(1) { result, _ in result * 1024 } }
}

extension String {
    fileprivate var trimmingCharacters: String { String(filter { !$0.isWhitespace }) }
}
