import Glibc

/// The few header fields of a journal file Canh needs, read as the documented on-disk format
/// (systemd's "Journal File Format": signature at 0, state at 16, header size at 88,
/// n_entries at 152). libsystemd has no public call for a file's entry count, and it silently
/// skips entries it cannot read; comparing against this count is how corruption becomes visible.
struct JournalFileHeader {
    var entryCount: UInt64

    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 160)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count == bytes.count, bytes[0..<8].elementsEqual("LPKSHHRH".utf8),
            Self.littleEndian(bytes, at: 88) >= 160
        else { return nil }
        entryCount = Self.littleEndian(bytes, at: 152)
    }

    private static func littleEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
