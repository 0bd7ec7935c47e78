/// How urgently a finding needs attention (SPEC §2), ordered from `info` to `critical`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case info, low, medium, high, critical

    /// 0 (`info`) to 4 (`critical`): how stores keep a severity so that "at least high" is a
    /// comparison an index can answer.
    public var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    /// The severity of a stored rank; nil outside 0…4.
    public init?(rank: Int) {
        guard let severity = Severity.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = severity
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
