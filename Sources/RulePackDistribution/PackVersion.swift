/// The order of rule pack versions (`2026.12.0` < `2026.12.1` < `2026.12.10`): dot-separated
/// parts, numbers compared as numbers, other parts as text, a missing part lowest.
public struct PackVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// A version is dot-separated parts of letters, digits, `-` and `_`, at most 64 bytes.
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 64 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { byte in PackPath.isNameByte(byte) && byte != UInt8(ascii: ".") }
        }
    }

    public static func < (lhs: PackVersion, rhs: PackVersion) -> Bool {
        let left = lhs.text.split(separator: ".")
        let right = rhs.text.split(separator: ".")
        for index in 0..<max(left.count, right.count) {
            guard index < left.count else { return true }
            guard index < right.count else { return false }
            let (a, b) = (left[index], right[index])
            if a == b { continue }
            switch (UInt64(a), UInt64(b)) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return false
    }
}
