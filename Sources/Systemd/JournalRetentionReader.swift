import Glibc

/// What the headers of a directory's journal files say (times in microseconds since the epoch).
public struct JournalDirectoryExtent: Sendable, Hashable {
    public var oldestEntryMicroseconds: Int64?
    public var newestEntryMicroseconds: Int64?
    public var bytes: Int64
    public var files: Int
    /// The oldest file of a writer does not start at sequence number 1: older entries were removed.
    public var olderEntriesRemoved: Bool
}

/// Measures the journal a directory holds from the file headers alone, without opening the
/// journal through libsystemd: oldest and newest entry, size, and whether older entries were
/// removed (rotation and vacuuming delete whole files from the old end).
public enum JournalRetentionReader {
    /// - Parameter directory: a journal directory as journald lays it out (`/var/log/journal`).
    /// - Returns: nil when the directory holds no journal file.
    public static func read(directory: String) -> JournalDirectoryExtent? {
        guard let files = try? JournalSource.directory(directory).journalFiles(), !files.isEmpty else { return nil }
        var bytes: Int64 = 0
        var oldest: (time: UInt64, header: JournalFileHeader)?
        var newest: UInt64 = 0
        // The first entry of each writer's sequence, to tell "young" from "trimmed".
        var firstOfDomain: [[UInt8]: UInt64] = [:]
        for file in files {
            var status = stat()
            if stat(file, &status) == 0 { bytes += Int64(status.st_size) }
            guard let header = JournalFileHeader(path: file), header.entryCount > 0 else { continue }
            if header.headRealtime > 0, header.headRealtime < oldest?.time ?? .max { oldest = (header.headRealtime, header) }
            newest = max(newest, header.tailRealtime)
            firstOfDomain[header.sequenceNumberID] = min(firstOfDomain[header.sequenceNumberID] ?? .max, header.headSequenceNumber)
        }
        let removed = oldest.map { (firstOfDomain[$0.header.sequenceNumberID] ?? 1) > 1 } ?? false
        return JournalDirectoryExtent(
            oldestEntryMicroseconds: oldest.map { Int64($0.time) }, newestEntryMicroseconds: newest > 0 ? Int64(newest) : nil, bytes: bytes,
            files: files.count, olderEntriesRemoved: removed)
    }
}
