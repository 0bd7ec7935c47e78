/// How much journal a host holds, from the headers of its journal files.
public struct JournalRetention: Sendable, Hashable {
    public var oldestEntry: Timestamp?
    public var newestEntry: Timestamp?
    /// The size of all journal files.
    public var bytes: Int64
    public var files: Int
    /// Whether entries older than the oldest present were written and have since been removed
    /// (the oldest file of a writer does not start at sequence number 1): the journal is at the
    /// end of what its limits keep, not merely young.
    public var olderEntriesRemoved: Bool

    public init(oldestEntry: Timestamp?, newestEntry: Timestamp?, bytes: Int64, files: Int, olderEntriesRemoved: Bool) {
        self.oldestEntry = oldestEntry
        self.newestEntry = newestEntry
        self.bytes = bytes
        self.files = files
        self.olderEntriesRemoved = olderEntriesRemoved
    }
}
