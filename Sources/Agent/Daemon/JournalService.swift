import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Systemd

/// Runs the journal follower on a thread of its own and stops it on graceful shutdown, after
/// it has committed what it read.
struct JournalService: Service {
    let makeFollower: @Sendable () throws -> JournalFollower
    let control: JournalFollowerControl
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let make = makeFollower
                let thread = Thread {
                    do {
                        try make().run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "canh-journal"
                // PCRE2 and deep message parsing want more than a secondary thread's default stack.
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: {
            control.requestStop()
        }
    }
}

/// Keeps systemd's watchdog fed while the journal thread is alive: a follower stuck in a read
/// for longer than the watchdog interval gets the agent restarted. Silent until the follower is
/// running (systemd arms the watchdog at READY).
struct WatchdogService: Service {
    let notifier: ServiceNotifier
    let control: JournalFollowerControl

    func run() async throws {
        guard let interval = notifier.watchdogInterval else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if let alive = control.lastAlive, ContinuousClock.now - alive < interval { notifier.watchdogAlive() }
            try? await Task.sleep(for: interval / 2)
        }
    }
}
