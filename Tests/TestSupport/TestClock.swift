public import CanhModel
import Foundation

/// A clock for tests: starts at 2026-11-22T00:00:00Z and moves only when told.
public final class TestClock: @unchecked Sendable {
    // @unchecked: the time is only read and written under the lock.
    private let lock = NSLock()
    private var current = Timestamp.at("2026-11-22T00:00:00Z")

    public init() {}

    public var now: Timestamp { lock.withLock { current } }

    public func advance(_ span: TimeSpan) { lock.withLock { current = current + span } }
}
