/// An installed or offered package version in its package manager's own order.
public enum PackageVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    case debian(DebianVersion)
    case rpm(RPMVersion)

    public var description: String {
        switch self {
        case .debian(let version): version.description
        case .rpm(let version): version.description
        }
    }

    /// Versions of one manager compare in its order; a reader never mixes managers, so the
    /// text order across them only keeps `<` total.
    public static func < (a: PackageVersion, b: PackageVersion) -> Bool {
        switch (a, b) {
        case (.debian(let x), .debian(let y)): x < y
        case (.rpm(let x), .rpm(let y)): x < y
        default: a.description < b.description
        }
    }
}
