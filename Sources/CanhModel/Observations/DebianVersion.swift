/// A Debian package version, `[EPOCH:]UPSTREAM[-REVISION]`, ordered as dpkg orders them
/// (deb-version(7)): `~` before everything, even the end; letters before other characters;
/// digit runs compared as numbers.
public struct DebianVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String
    let epoch: Int
    let upstream: [UInt8]
    let revision: [UInt8]

    public init(_ text: String) {
        self.text = text
        let parts = PackageVersion.split(text)
        epoch = parts.epoch
        upstream = Array(parts.version.utf8)
        revision = Array(parts.release.utf8)
    }

    public var description: String { text }

    public static func < (a: DebianVersion, b: DebianVersion) -> Bool { compare(a, b) < 0 }

    public static func == (a: DebianVersion, b: DebianVersion) -> Bool { compare(a, b) == 0 }

    /// Equal versions may be written differently (`1.0`, `1.00`, `0:1.0`): only the epoch is
    /// the same in every spelling.
    public func hash(into hasher: inout Hasher) { hasher.combine(epoch) }

    static func compare(_ a: DebianVersion, _ b: DebianVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let upstream = compare(a.upstream, b.upstream)
        return upstream != 0 ? upstream : compare(a.revision, b.revision)
    }

    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if c.isASCIIDigit { return 0 }
        if c.isASCIILetter { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    /// dpkg's `verrevcmp`: alternately a run of non-digits, compared character by character,
    /// and a run of digits, compared as a number.
    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            while (i < a.count && !a[i].isASCIIDigit) || (j < b.count && !b[j].isASCIIDigit) {
                let ac = order(i < a.count ? a[i] : nil)
                let bc = order(j < b.count ? b[j] : nil)
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            while i < a.count, a[i] == UInt8(ascii: "0") { i += 1 }
            while j < b.count, b[j] == UInt8(ascii: "0") { j += 1 }
            var firstDifference = 0
            while i < a.count, j < b.count, a[i].isASCIIDigit, b[j].isASCIIDigit {
                if firstDifference == 0 { firstDifference = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if i < a.count, a[i].isASCIIDigit { return 1 }
            if j < b.count, b[j].isASCIIDigit { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }
}
