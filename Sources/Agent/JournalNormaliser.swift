import CanhModel
import Systemd

/// Turns entries from the journal reader into the engine's events. The reader was asked for the
/// engine's field table, in its order, so the values are handed over without copying.
enum JournalNormaliser {
    @inline(__always)
    static func event(from entry: JournalEntry) -> JournalEvent {
        JournalEvent(
            time: Timestamp(microsecondsSinceEpoch: Int64(clamping: entry.realtimeMicroseconds)),
            bootID: BootID(high: entry.bootID.high, low: entry.bootID.low),
            storage: entry.storage, ranges: entry.valueRanges)
    }
}
