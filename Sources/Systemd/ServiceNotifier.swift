internal import CSystemd
import Dispatch

/// Talks to the service manager for a `Type=notify` unit (sd_notify): readiness, a status line
/// `systemctl status` shows, watchdog keep-alives and the stopping notice.
///
/// Outside systemd (no `NOTIFY_SOCKET`) every call does nothing, so the daemon runs the same
/// from a terminal. Messages are sent from a serial queue of their own: sd_notify blocks while
/// the manager's socket queue is full, and that must never stall the daemon's async threads.
public struct ServiceNotifier: Sendable {
    private static let queue = DispatchQueue(label: "canh.sd-notify")

    public init() {}

    /// The daemon has started and reads the journal.
    public func ready(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }

    /// Replaces the status line.
    public func status(_ text: String) { send("STATUS=\(Self.oneLine(text))") }

    /// Tells the watchdog the daemon is alive.
    public func watchdogAlive() { send("WATCHDOG=1") }

    /// The daemon has stopped: sent at once, and after whatever is still queued.
    public func stopped() { Self.queue.sync { _ = sd_notify(0, "STOPPING=1") } }

    /// Reloading configuration and rules; `reloaded()` follows.
    public func reloading() { send("RELOADING=1") }

    public func reloaded(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }

    /// How often the watchdog must hear from the daemon (`WatchdogSec=` of the unit), or nil
    /// when the watchdog is off.
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }

    private func send(_ state: String) { Self.queue.async { _ = sd_notify(0, state) } }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
