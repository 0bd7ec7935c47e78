import Glibc

/// The few header fields of a journal file Canh needs, read as the documented on-disk format
/// (systemd's "Journal File Format": signature at 0, seqnum_id at 72, header size at 88,
/// n_entries at 152, head_entry_seqnum at 168, head and tail entry realtime at 184 and 192).
/// libsystemd has no public call for a file's entry count, and it silently skips entries it
/// cannot read; comparing against this count is how corruption becomes visible.
struct JournalFileHeader {
    var entryCount: UInt64
    /// The sequence number domain: entries of one journald writer share it across files.
    var sequenceNumberID: [UInt8]
    /// The sequence number of the first entry: 1 when nothing was written before it in its domain.
    var headSequenceNumber: UInt64
    /// Microseconds since the epoch of the first and last entry; 0 in an empty file.
    var headRealtime: UInt64
    var tailRealtime: UInt64

    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 200)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count == bytes.count, bytes[0..<8].elementsEqual("LPKSHHRH".utf8),
            Self.littleEndian(bytes, at: 88) >= 200
        else { return nil }
        entryCount = Self.littleEndian(bytes, at: 152)
        sequenceNumberID = Array(bytes[72..<88])
        headSequenceNumber = Self.littleEndian(bytes, at: 168)
        headRealtime = Self.littleEndian(bytes, at: 184)
        tailRealtime = Self.littleEndian(bytes, at: 192)
    }

    private static func littleEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
