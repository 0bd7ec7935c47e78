/// The container of a rule pack: a POSIX ustar archive of regular files only, written the same
/// way every time (files in the order given, owner 0, mode 0644, time 0), so the same files make
/// the same bytes and `tar -tvf` lists them. Reading is strict because the bytes come from the
/// network: only regular files with `PackPath` names, no name twice, bounded sizes.
public enum PackArchive {
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Bounds on what a pack may hold; the default pack is about 300 KiB in 30 files.
    public static let maximumFiles = 2_000
    public static let maximumFileBytes = 4 << 20
    public static let maximumArchiveBytes = 32 << 20

    private static let blockSize = 512

    public static func make(_ entries: [Entry]) throws(PackError) -> [UInt8] {
        var archive: [UInt8] = []
        for entry in entries {
            guard PackPath.isValid(entry.path) else { throw .malformedArchive("\(entry.path): not a valid name inside a pack") }
            guard entry.bytes.count <= maximumFileBytes else {
                throw .malformedArchive("\(entry.path): \(entry.bytes.count) bytes, over the \(maximumFileBytes) allowed")
            }
            archive += header(path: entry.path, size: entry.bytes.count)
            archive += entry.bytes
            archive += [UInt8](repeating: 0, count: padding(entry.bytes.count))
        }
        archive += [UInt8](repeating: 0, count: 2 * blockSize)
        return archive
    }

    public static func entries(of archive: [UInt8]) throws(PackError) -> [Entry] {
        guard archive.count <= maximumArchiveBytes else {
            throw .malformedArchive("\(archive.count) bytes, over the \(maximumArchiveBytes) allowed")
        }
        var entries: [Entry] = []
        var seen: Set<String> = []
        var offset = 0
        while true {
            guard offset + blockSize <= archive.count else {
                throw .malformedArchive("ends at byte \(archive.count) without its end marker")
            }
            let header = archive[offset..<offset + blockSize]
            if header.allSatisfy({ $0 == 0 }) { break }
            guard checksum(of: header) == octal(header, at: 148, length: 8) else {
                throw .malformedArchive("the header at byte \(offset) has a wrong checksum")
            }
            guard Array(header[(offset + 257)..<(offset + 262)]) == Array("ustar".utf8) else {
                throw .malformedArchive("the header at byte \(offset) is not ustar")
            }
            let type = header[offset + 156]
            guard type == UInt8(ascii: "0") || type == 0 else {
                throw .malformedArchive("the entry at byte \(offset) is not a regular file; only regular files may be in a pack")
            }
            guard let path = name(header), PackPath.isValid(path) else {
                throw .malformedArchive("the header at byte \(offset) names a file outside the pack or with a forbidden character")
            }
            guard let size = octal(header, at: 124, length: 12), size <= maximumFileBytes else {
                throw .malformedArchive("\(path): size missing or over \(maximumFileBytes) bytes")
            }
            guard seen.insert(path).inserted else { throw .malformedArchive("\(path) is in the archive twice") }
            guard entries.count < maximumFiles else { throw .malformedArchive("more than \(maximumFiles) files") }
            let start = offset + blockSize
            guard start + size <= archive.count else { throw .malformedArchive("\(path): cut short") }
            entries.append(Entry(path: path, bytes: Array(archive[start..<start + size])))
            offset = start + size + padding(size)
        }
        return entries
    }

    private static func padding(_ size: Int) -> Int { (blockSize - size % blockSize) % blockSize }

    private static func header(path: String, size: Int) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        func putOctal(_ value: Int, at offset: Int, length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: length - 1 - digits.count) + digits, at: offset)
        }
        put(path, at: 0)
        putOctal(0o644, at: 100, length: 8)
        putOctal(0, at: 108, length: 8)
        putOctal(0, at: 116, length: 8)
        putOctal(size, at: 124, length: 12)
        putOctal(0, at: 136, length: 12)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        put("root", at: 265)
        put("root", at: 297)
        let sum = checksum(of: header[...])
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, at: 148)
        header[155] = UInt8(ascii: " ")
        return header
    }

    /// The sum of the header's bytes with the checksum field taken as spaces.
    private static func checksum(of header: ArraySlice<UInt8>) -> Int {
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        return sum
    }

    /// A NUL- or space-terminated octal field, relative to the header's start.
    private static func octal(_ header: ArraySlice<UInt8>, at offset: Int, length: Int) -> Int? {
        let start = header.startIndex + offset
        var value = 0
        var digits = 0
        for byte in header[start..<start + length] {
            if byte == 0 || byte == UInt8(ascii: " ") {
                if digits > 0 { break } else { continue }
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), digits < 11 else { return nil }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The name field joined with the ustar prefix; nil when it is not UTF-8.
    private static func name(_ header: ArraySlice<UInt8>) -> String? {
        func field(_ offset: Int, _ length: Int) -> [UInt8] {
            let start = header.startIndex + offset
            return Array(header[start..<start + length].prefix { $0 != 0 })
        }
        let prefix = field(345, 155)
        let bytes = prefix.isEmpty ? field(0, 100) : prefix + [UInt8(ascii: "/")] + field(0, 100)
        return String(validating: bytes, as: UTF8.self)
    }
}
