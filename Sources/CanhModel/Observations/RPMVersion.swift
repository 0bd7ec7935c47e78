/// An RPM package's `[EPOCH:]VERSION-RELEASE`, ordered as rpm orders them (`rpmvercmp`):
/// the epoch as a number, then version and release each split into runs of digits (compared
/// as numbers) and of letters (compared as text), a digit run newer than a letter run, `~`
/// older than everything even the end, `^` newer than the end but older than anything else.
public struct RPMVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let epoch: Int
    public let version: String
    public let release: String

    public init(epoch: Int = 0, version: String, release: String) {
        self.epoch = epoch
        self.version = version
        self.release = release
    }

    /// `1:3.0.7-25.el9_3`, `3.0.7-25.el9_3`, `3.0.7`.
    public init(_ text: String) {
        let parts = PackageVersion.split(text)
        self.init(epoch: parts.epoch, version: String(parts.version), release: String(parts.release))
    }

    public var description: String {
        (epoch == 0 ? "" : "\(epoch):") + version + (release.isEmpty ? "" : "-\(release)")
    }

    public static func < (a: RPMVersion, b: RPMVersion) -> Bool { compare(a, b) < 0 }

    public static func == (a: RPMVersion, b: RPMVersion) -> Bool { compare(a, b) == 0 }

    /// Equal versions may be written differently (`1.0`, `1.00`): only the epoch is the same in
    /// every spelling.
    public func hash(into hasher: inout Hasher) { hasher.combine(epoch) }

    static func compare(_ a: RPMVersion, _ b: RPMVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let version = compare(Array(a.version.utf8), Array(b.version.utf8))
        return version != 0 ? version : compare(Array(a.release.utf8), Array(b.release.utf8))
    }

    /// rpm's `rpmvercmp`, step for step.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a == b { return 0 }
        let tilde = UInt8(ascii: "~")
        let caret = UInt8(ascii: "^")
        func isSeparator(_ c: UInt8) -> Bool { !c.isASCIIDigit && !c.isASCIILetter && c != tilde && c != caret }
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            while i < a.count, isSeparator(a[i]) { i += 1 }
            while j < b.count, isSeparator(b[j]) { j += 1 }
            let x = i < a.count ? a[i] : nil
            let y = j < b.count ? b[j] : nil
            if x == tilde || y == tilde {
                if x != tilde { return 1 }
                if y != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            if x == caret || y == caret {
                if x == nil { return -1 }
                if y == nil { return 1 }
                if x != caret { return 1 }
                if y != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            guard let x, y != nil else { break }
            let numeric = x.isASCIIDigit
            let belongs: (UInt8) -> Bool = numeric ? { $0.isASCIIDigit } : { $0.isASCIILetter }
            var endA = i
            while endA < a.count, belongs(a[endA]) { endA += 1 }
            var endB = j
            while endB < b.count, belongs(b[endB]) { endB += 1 }
            // Runs of different kinds: a number is newer than letters.
            if endB == j { return numeric ? 1 : -1 }
            var runA = a[i..<endA]
            var runB = b[j..<endB]
            if numeric {
                runA = runA.drop(while: { $0 == UInt8(ascii: "0") })
                runB = runB.drop(while: { $0 == UInt8(ascii: "0") })
                if runA.count != runB.count { return runA.count > runB.count ? 1 : -1 }
            }
            if !runA.elementsEqual(runB) { return runA.lexicographicallyPrecedes(runB) ? -1 : 1 }
            i = endA
            j = endB
        }
        if i >= a.count, j >= b.count { return 0 }
        return i >= a.count ? -1 : 1
    }
}
