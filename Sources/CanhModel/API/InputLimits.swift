/// Bounds on the numbers, durations and dates that requests, flags and records carry, shared by
/// the collector's API and both command lines so that each refuses the same values in the same
/// words, and none of them can reach arithmetic that overflows.
public enum InputLimits {
    /// The longest look-ahead of `certs --expiring-within`: ten years.
    public static let longestExpiryWindowDays: Int64 = 3650

    /// How far ahead of the collector's clock a record's time may be: a day of clock skew. A record
    /// from further in the future would hold its finding's "last seen" there and make every later
    /// record look late.
    public static let futureTolerance = TimeSpan.days(1)

    /// The latest end of an exception or an attestation: three years after it is made, so that
    /// nothing is accepted for good without being looked at again.
    public static let longestAcceptance = TimeSpan.days(1096)

    /// Days from a text such as `30d` or `30` (0 to ten years); nil for anything else.
    public static func expiryWindowDays(_ text: String) -> Int64? {
        let digits = text.hasSuffix("d") ? text.dropLast() : Substring(text)
        guard !digits.isEmpty, digits.utf8.count <= 5, digits.utf8.allSatisfy({ (48...57).contains($0) }),
            let days = Int64(digits), days <= longestExpiryWindowDays
        else { return nil }
        return days
    }

    /// What `expiryWindowDays` accepts, for messages.
    public static let expiryWindowHelp = "a number of days from 0 to \(longestExpiryWindowDays), e.g. 30d"
}
