/// The names files may have inside a pack archive: relative paths of plain names (letters,
/// digits, `.`, `-`, `_`), no `.` or `..` component, at most 100 bytes (a ustar name field).
/// Whatever the archive says, extraction cannot leave the pack's directory.
public enum PackPath {
    public static let maximumLength = 100

    public static func isValid(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= maximumLength else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            !component.isEmpty && component != "." && component != ".." && component.utf8.allSatisfy(isNameByte)
        }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
