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

    /// `[EPOCH:]VERSION[-RELEASE]` as dpkg and rpm both write it: the epoch (0 when absent),
    /// the part before the last `-` and the part after it (empty when there is none).
    static func split(_ text: String) -> (epoch: Int, version: Substring, release: Substring) {
        var rest = Substring(text)
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) {
            epoch = number
            rest = rest[rest.index(after: colon)...]
        }
        guard let dash = rest.lastIndex(of: "-") else { return (epoch, rest, "") }
        return (epoch, rest[..<dash], rest[rest.index(after: dash)...])
    }
}
