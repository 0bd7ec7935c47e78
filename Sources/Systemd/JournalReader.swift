internal import CSystemd
import Glibc

/// A match on one field, `FIELD=value`; see `JournalReader.init(…, matches:)`.
public struct JournalMatch: Sendable, Hashable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// Parses `FIELD=value`, or returns nil.
    public init?(parsing text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        self.init(field: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }
}

/// Reads journal entries through libsystemd's sd-journal, in time order across all files.
///
/// This is the only type that holds an `sd_journal` handle. libsystemd requires a handle to be
/// used by one thread for its whole life, so the reader is not `Sendable`: create, use and drop
/// it on one thread (the scan command's main thread, or the agent's dedicated journal thread).
///
/// Files that cannot be read are not fatal: each one becomes a `JournalFileProblem` in
/// `fileProblems` and the other files are read. A file that opens but loses entries while being
/// read (libsystemd skips what it cannot parse, without saying so) is found by comparing the
/// entries read with the entry counts in the file headers, once reading reaches the end.
public final class JournalReader {
    private let handle: OpaquePointer?
    private let files: [String]
    private let selectedNames: [String]
    private let nameTable: FieldNameTable
    private let selectsAll: Bool
    private let hasMatches: Bool
    private let maxValueBytes: Int
    private let expectedEntries: UInt64
    private var entriesRead: UInt64 = 0
    private var reachedEnd = false
    /// Whether the journal is followed live (`init(following:)`).
    private let follows: Bool
    /// Set when positioning has already moved onto the entry that `next()` must return.
    private var holdsCurrentEntry = false
    private var storage: [UInt8] = []
    private var valueRanges: [Range<Int>?] = []
    private var fieldRanges: [(name: Range<Int>, value: Range<Int>)] = []

    /// Files that could not be read in full, in the order they were found.
    public private(set) var fileProblems: [JournalFileProblem] = []

    /// Opens the journal.
    /// - Parameters:
    ///   - source: which journal files to read.
    ///   - selection: which fields to copy out of each entry.
    ///   - matches: groups of matches; an entry is read if it satisfies every match of any group
    ///     (matches on the same field within a group are alternatives, as in sd-journal).
    ///   - maxValueBytes: longer values are cut to this many bytes (counted in `truncatedValues`).
    /// - Throws: `JournalError` when the source names nothing readable or libsystemd fails;
    ///   individual bad files are reported in `fileProblems` instead.
    public init(
        source: JournalSource, selection: JournalFieldSelection = .all, matches: [[JournalMatch]] = [],
        maxValueBytes: Int = 1 << 20
    ) throws(JournalError) {
        var readable: [String] = []
        var problems: [JournalFileProblem] = []
        var expected: UInt64 = 0
        for path in try source.journalFiles() {
            let status = Self.probe(path)
            if status == 0 {
                readable.append(path)
                expected += JournalFileHeader(path: path)?.entryCount ?? 0
            } else {
                problems.append(JournalFileProblem(path: path, kind: .unopenable(errno: -status)))
            }
        }
        files = readable
        fileProblems = problems
        expectedEntries = expected
        self.maxValueBytes = maxValueBytes
        hasMatches = !matches.isEmpty
        selectsAll = selection == .all
        selectedNames = selection.names
        nameTable = FieldNameTable(selectedNames)
        handle = try Self.open(readable, maxValueBytes: maxValueBytes, matches: matches)
        follows = false
    }

    /// Opens the journal to follow it live, as the agent does: a directory or the local journal
    /// is opened as a whole, so files journald adds on rotation are read and files removed by
    /// vacuuming are let go (libsystemd watches the directories with inotify).
    ///
    /// Unlike a scan, a follower does not compare entry counts with file headers: files are still
    /// being written to.
    public init(
        following source: JournalSource, selection: JournalFieldSelection = .all, matches: [[JournalMatch]] = [],
        maxValueBytes: Int = 1 << 20
    ) throws(JournalError) {
        files = []
        expectedEntries = 0
        self.maxValueBytes = maxValueBytes
        hasMatches = !matches.isEmpty
        selectsAll = selection == .all
        selectedNames = selection.names
        nameTable = FieldNameTable(selectedNames)
        var handle: OpaquePointer?
        let status: Int32
        let function: String
        switch source {
        case .local:
            status = sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
            function = "sd_journal_open"
        case .directory(let path):
            _ = try source.journalFiles()
            status = sd_journal_open_directory(&handle, path, 0)
            function = "sd_journal_open_directory"
        case .files(let paths):
            _ = try source.journalFiles()
            status = withCStrings(paths) { sd_journal_open_files(&handle, $0, 0) }
            function = "sd_journal_open_files"
        }
        guard status >= 0, let handle else { throw .openFailed(function: function, errno: -status) }
        try Self.configure(handle, maxValueBytes: maxValueBytes, matches: matches)
        self.handle = handle
        follows = true
    }

    deinit {
        if let handle { sd_journal_close(handle) }
    }

    /// Moves to the next entry and copies its selected fields.
    /// - Returns: the entry, or nil at the end of the journal.
    public func next() throws(JournalError) -> JournalEntry? {
        guard let handle else { return nil }
        let moved: Int32
        if holdsCurrentEntry {
            holdsCurrentEntry = false
            moved = 1
        } else {
            moved = sd_journal_next(handle)
        }
        if moved < 0 { throw .readFailed(function: "sd_journal_next", errno: -moved) }
        if moved == 0 {
            if !reachedEnd, !follows {
                reachedEnd = true
                findIncompleteFiles()
            }
            return nil
        }
        entriesRead += 1

        var realtime: UInt64 = 0
        let timeStatus = sd_journal_get_realtime_usec(handle, &realtime)
        if timeStatus < 0 { throw .readFailed(function: "sd_journal_get_realtime_usec", errno: -timeStatus) }
        var monotonic: UInt64 = 0
        var boot = sd_id128_t()
        let bootID = sd_journal_get_monotonic_usec(handle, &monotonic, &boot) >= 0 ? Self.bootID(boot) : JournalBootID(high: 0, low: 0)

        // Work on local buffers: appending to stored properties of a class pays an exclusivity
        // check per append. The buffers go back afterwards and are reused when the caller has
        // let go of the previous entry.
        var storage: [UInt8] = []
        var valueRanges: [Range<Int>?] = []
        var fieldRanges: [(name: Range<Int>, value: Range<Int>)] = []
        swap(&storage, &self.storage)
        swap(&valueRanges, &self.valueRanges)
        swap(&fieldRanges, &self.fieldRanges)
        storage.removeAll(keepingCapacity: true)
        fieldRanges.removeAll(keepingCapacity: true)
        valueRanges.removeAll(keepingCapacity: true)
        valueRanges.append(contentsOf: repeatElement(nil, count: selectedNames.count))
        let truncated = copyFields(handle, into: &storage, values: &valueRanges, fields: &fieldRanges)
        self.storage = storage
        self.valueRanges = valueRanges
        self.fieldRanges = fieldRanges
        return JournalEntry(
            realtimeMicroseconds: realtime, bootID: bootID, storage: storage, valueRanges: valueRanges,
            fieldRanges: fieldRanges, truncatedValues: truncated, selectedNames: selectedNames)
    }

    /// The cursor of the entry `next()` returned last: an opaque string that `journalctl
    /// --cursor` and a later reader accept.
    public func cursor() throws(JournalError) -> String {
        guard let handle else { throw .readFailed(function: "sd_journal_get_cursor", errno: EADDRNOTAVAIL) }
        var cursor: UnsafeMutablePointer<CChar>?
        let status = sd_journal_get_cursor(handle, &cursor)
        guard status >= 0, let cursor else { throw .readFailed(function: "sd_journal_get_cursor", errno: -status) }
        defer { free(cursor) }
        return String(cString: cursor)
    }

    // MARK: - Following

    /// Where reading resumes after `resume(after:time:)`.
    public enum ResumePoint: Sendable, Equatable {
        /// The saved entry is still there; `next()` returns the one after it.
        case exact
        /// The saved entry is gone (vacuumed, or its file removed): `next()` returns the first
        /// entry written after `time`, which is at `firstAvailable` (nil: none yet).
        case vanished(firstAvailable: UInt64?)
    }

    /// Positions the reader after the entry of `cursor`, written at `time` (µs since the epoch).
    /// - Throws: `JournalError.invalidCursor` when libsystemd cannot parse the cursor.
    public func resume(after cursor: String, time: UInt64) throws(JournalError) -> ResumePoint {
        guard let handle else { return .vanished(firstAvailable: nil) }
        holdsCurrentEntry = false
        if sd_journal_seek_cursor(handle, cursor) < 0 { throw .invalidCursor(cursor) }
        if sd_journal_next(handle) > 0, sd_journal_test_cursor(handle, cursor) > 0 { return .exact }
        let sought = sd_journal_seek_realtime_usec(handle, time &+ 1)
        if sought < 0 { throw .readFailed(function: "sd_journal_seek_realtime_usec", errno: -sought) }
        let moved = sd_journal_next(handle)
        if moved < 0 { throw .readFailed(function: "sd_journal_next", errno: -moved) }
        guard moved > 0 else { return .vanished(firstAvailable: nil) }
        var realtime: UInt64 = 0
        let status = sd_journal_get_realtime_usec(handle, &realtime)
        if status < 0 { throw .readFailed(function: "sd_journal_get_realtime_usec", errno: -status) }
        holdsCurrentEntry = true
        return .vanished(firstAvailable: realtime)
    }

    /// What `wait(timeout:)` saw.
    public enum Change: Sendable, Equatable {
        /// Nothing within the timeout.
        case none
        /// Entries were appended.
        case appended
        /// Files were added or removed (rotation, vacuum); reading simply goes on.
        case filesChanged
    }

    /// Blocks until the journal changes or `timeout` passes: libsystemd's inotify descriptor, no
    /// polling. Call it after `next()` returned nil.
    public func wait(timeout: Duration) throws(JournalError) -> Change {
        let microseconds = UInt64(clamping: timeout.components.seconds * 1_000_000 + timeout.components.attoseconds / 1_000_000_000_000)
        guard let handle else {
            usleep(UInt32(clamping: microseconds))
            return .none
        }
        let status = sd_journal_wait(handle, microseconds)
        switch status {
        case Int32(SD_JOURNAL_APPEND): return .appended
        case Int32(SD_JOURNAL_INVALIDATE): return .filesChanged
        case let failure where failure < 0: throw .readFailed(function: "sd_journal_wait", errno: -failure)
        default: return .none
        }
    }

    /// The time of the entry `next()` returned last (µs since the epoch).
    public var lastEntryTime: UInt64? {
        guard let handle else { return nil }
        var realtime: UInt64 = 0
        return sd_journal_get_realtime_usec(handle, &realtime) >= 0 ? realtime : nil
    }

    // MARK: - Copying fields

    /// Enumerates the entry's fields once (the cheapest way through sd-journal) and copies the
    /// selected ones. Returns how many values were cut to `maxValueBytes`.
    private func copyFields(
        _ handle: OpaquePointer, into storage: inout [UInt8], values valueRanges: inout [Range<Int>?],
        fields fieldRanges: inout [(name: Range<Int>, value: Range<Int>)]
    ) -> Int {
        var truncated = 0
        var data: UnsafeRawPointer?
        var length = 0
        sd_journal_restart_data(handle)
        while sd_journal_enumerate_available_data(handle, &data, &length) > 0 {
            guard let data else { continue }
            if selectsAll {
                guard let equals = memchr(data, 0x3D, length) else { continue }
                let nameLength = data.distance(to: UnsafeRawPointer(equals))
                let keptLength = min(length - nameLength - 1, maxValueBytes)
                if keptLength < length - nameLength - 1 { truncated += 1 }
                let nameStart = storage.count
                storage.append(contentsOf: UnsafeRawBufferPointer(start: data, count: nameLength))
                let valueOffset = storage.count
                storage.append(contentsOf: UnsafeRawBufferPointer(start: data + nameLength + 1, count: keptLength))
                fieldRanges.append((nameStart..<valueOffset, valueOffset..<storage.count))
            } else if let index = nameTable.index(of: data.assumingMemoryBound(to: UInt8.self), length: length),
                valueRanges[index] == nil
            {
                let nameLength = nameTable.length(ofName: index)
                let valueLength = length - nameLength - 1
                let keptLength = min(valueLength, maxValueBytes)
                if keptLength < valueLength { truncated += 1 }
                let valueOffset = storage.count
                storage.append(contentsOf: UnsafeRawBufferPointer(start: data + nameLength + 1, count: keptLength))
                valueRanges[index] = valueOffset..<storage.count
            }
        }
        return truncated
    }

    // MARK: - Opening and verifying files

    /// Opens one file alone; 0 when libsystemd can read it, else a negative errno.
    private static func probe(_ path: String) -> Int32 {
        var single: OpaquePointer?
        let status = withCStrings([path]) { sd_journal_open_files(&single, $0, 0) }
        if let single { sd_journal_close(single) }
        return status
    }

    private static func open(_ paths: [String], maxValueBytes: Int, matches: [[JournalMatch]]) throws(JournalError) -> OpaquePointer? {
        guard !paths.isEmpty else { return nil }
        var handle: OpaquePointer?
        let status = withCStrings(paths) { sd_journal_open_files(&handle, $0, 0) }
        guard status >= 0, let handle else { throw .openFailed(function: "sd_journal_open_files", errno: -status) }
        try configure(handle, maxValueBytes: maxValueBytes, matches: matches)
        return handle
    }

    /// Sets the value limit and adds the matches; closes the handle if a match is refused.
    private static func configure(_ handle: OpaquePointer, maxValueBytes: Int, matches: [[JournalMatch]]) throws(JournalError) {
        sd_journal_set_data_threshold(handle, maxValueBytes)
        for (position, group) in matches.enumerated() {
            if position > 0 { sd_journal_add_disjunction(handle) }
            for match in group {
                let expression = Array("\(match.field)=\(match.value)".utf8)
                let added = expression.withUnsafeBytes { sd_journal_add_match(handle, $0.baseAddress, $0.count) }
                if added < 0 {
                    sd_journal_close(handle)
                    throw .invalidMatch("\(match.field)=\(match.value)")
                }
            }
        }
    }

    /// Called once at the end: if fewer entries came out than the headers announce, walk each
    /// file alone to find the ones that lost entries. Entries present in two files are merged
    /// by sd-journal, so a shortfall alone proves nothing; the per-file walk decides.
    private func findIncompleteFiles() {
        guard !hasMatches, entriesRead < expectedEntries else { return }
        for path in files {
            guard let header = JournalFileHeader(path: path) else { continue }
            var single: OpaquePointer?
            let status = withCStrings([path]) { sd_journal_open_files(&single, $0, 0) }
            guard status >= 0, let single else {
                fileProblems.append(JournalFileProblem(path: path, kind: .unopenable(errno: -status)))
                continue
            }
            var count: UInt64 = 0
            while sd_journal_next(single) > 0 { count += 1 }
            sd_journal_close(single)
            if count < header.entryCount {
                fileProblems.append(
                    JournalFileProblem(path: path, kind: .unreadableEntries(read: Int(count), expected: Int(header.entryCount))))
            }
        }
    }

    private static func bootID(_ id: sd_id128_t) -> JournalBootID {
        withUnsafeBytes(of: id.bytes) { raw in
            JournalBootID(
                high: raw[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                low: raw[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings, valid only during the call.
private func withCStrings<Result>(
    _ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: strings.count + 1)
    let duplicates = strings.map { strdup($0) }
    defer {
        duplicates.forEach { free($0) }
        array.deallocate()
    }
    for (index, duplicate) in duplicates.enumerated() { (array + index).initialize(to: UnsafePointer(duplicate)) }
    (array + strings.count).initialize(to: nil)
    return body(array)
}
