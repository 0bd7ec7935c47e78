/// A security level of Decree 85/2016 (*cấp độ*), 1 to 5.
public struct Level: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: Int

    /// Fails for numbers outside 1...5.
    public init?(rawValue: Int) {
        guard Level.range.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public static let range = 1...5
    public static let all: [Level] = range.compactMap(Level.init(rawValue:))
    public static let lowest = Level.all[0]

    /// The level below this one, which this one inherits parameter values from.
    public var below: Level? { Level(rawValue: rawValue - 1) }

    public var description: String { String(rawValue) }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Int.self)
        guard let level = Level(rawValue: value) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "level must be 1 to 5, not \(value)"))
        }
        self = level
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
