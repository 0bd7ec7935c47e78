/// Which fields the reader copies out of each entry.
public enum JournalFieldSelection: Sendable, Hashable {
    /// Every field of every entry, in the order the journal stores them.
    case all
    /// Only these fields; `JournalEntry.value(at:)` indexes them in this order.
    case fields([String])

    /// The fields named, none for `.all`.
    var names: [String] {
        switch self {
        case .all: []
        case .fields(let names): names
        }
    }
}

/// The 128-bit id of the boot an entry was written in.
public struct JournalBootID: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// One journal entry copied out of libsystemd: its timestamps, boot and field values as bytes.
///
/// Values are never decoded here: binary data, invalid UTF-8 and newlines survive unchanged.
/// A value longer than the reader's `maxValueBytes` is cut there and counted in `truncatedValues`.
public struct JournalEntry: Sendable {
    /// `__REALTIME_TIMESTAMP`: microseconds since the Unix epoch.
    public var realtimeMicroseconds: UInt64
    public var bootID: JournalBootID
    /// All copied values (and, with `.all`, names) back to back.
    public var storage: [UInt8]
    /// With `.fields(names)`: where each named field's value lies in `storage`, nil if absent.
    public var valueRanges: [Range<Int>?]
    /// With `.all`: every field as the range of its name and of its value in `storage`.
    public var fieldRanges: [(name: Range<Int>, value: Range<Int>)]
    /// How many values were longer than the reader's limit and were cut.
    public var truncatedValues: Int
    /// The names of `.fields(names)`, shared with the reader (empty with `.all`).
    public var selectedNames: [String]

    /// The value of the `index`-th selected field.
    public func value(at index: Int) -> ArraySlice<UInt8>? {
        guard index < valueRanges.count, let range = valueRanges[index] else { return nil }
        return storage[range]
    }

    /// The first value of the field `name` (works with either selection).
    public func value(of name: String) -> ArraySlice<UInt8>? {
        if let index = selectedNames.firstIndex(of: name) { return value(at: index) }
        return fields.first { $0.name == name }?.value
    }

    /// Every copied field by name; with `.fields(names)`, the selected ones that are present.
    public var fields: [(name: String, value: ArraySlice<UInt8>)] {
        if !selectedNames.isEmpty {
            return zip(selectedNames, valueRanges).compactMap { name, range in range.map { (name, storage[$0]) } }
        }
        return fieldRanges.map { (String(decoding: storage[$0.name], as: UTF8.self), storage[$0.value]) }
    }
}
