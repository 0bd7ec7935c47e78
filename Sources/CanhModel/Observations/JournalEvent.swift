/// One journal entry as the engine sees it: its time, its boot and the values of the fields the
/// compiled rule pack reads, in the order of the pack's field table.
///
/// Values are raw bytes: journal fields may hold binary data, invalid UTF-8 or newlines, and
/// matching works on bytes so none of that is fatal. All values share one buffer, so building
/// an event costs two allocations whatever the number of fields.
public struct JournalEvent: Sendable {
    public var time: Timestamp
    public var bootID: BootID
    @usableFromInline var storage: [UInt8]
    @usableFromInline var ranges: [Range<Int>?]

    /// - Parameters:
    ///   - storage: the concatenated values.
    ///   - ranges: for each field of the field table, where its value lies in `storage`, or nil if absent.
    public init(time: Timestamp, bootID: BootID, storage: [UInt8], ranges: [Range<Int>?]) {
        self.time = time
        self.bootID = bootID
        self.storage = storage
        self.ranges = ranges
    }

    /// Builds an event from text values, for tests and embedded rule tests.
    public init(time: Timestamp, bootID: BootID, values: [[UInt8]?]) {
        var storage: [UInt8] = []
        var ranges: [Range<Int>?] = []
        for value in values {
            if let value {
                ranges.append(storage.count..<storage.count + value.count)
                storage.append(contentsOf: value)
            } else {
                ranges.append(nil)
            }
        }
        self.init(time: time, bootID: bootID, storage: storage, ranges: ranges)
    }

    /// The value of the field at `index` of the field table, or nil if the entry lacks it.
    @inlinable
    public func value(at index: Int) -> ArraySlice<UInt8>? {
        guard index < ranges.count, let range = ranges[index] else { return nil }
        return storage[range]
    }

    /// All values back to back, for keeping references into them (see `range(at:)`).
    @inlinable
    public var bytes: [UInt8] { storage }

    /// Where the value of the field at `index` lies in the buffer of `withUnsafeBytes`.
    @inlinable
    public func range(at index: Int) -> Range<Int>? {
        index < ranges.count ? ranges[index] : nil
    }

    /// Calls `body` with all values' bytes; index them with `range(at:)`. The hot path of
    /// matching reads values this way, without creating a slice per access.
    @inlinable
    public func withUnsafeBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer(body)
    }
}

extension JournalEvent {
    /// Whether `name` can be a journal field: upper-case letters, digits and `_`, not starting
    /// with a digit (journald's rule; rules, rule tests and the agent's matches all use it).
    public static func isFieldName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isUppercase) else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" }
    }
}
