import AlertDelivery
import CollectorStore
import Logging
import ServiceLifecycle
import Systemd

/// Under systemd with `WatchdogSec=`: tells the manager the collector is alive as long as its
/// store answers, at half the interval; a wedged store gets the service restarted.
struct StoreWatchdogService: Service {
    let store: any CollectorStore
    let notifier: ServiceNotifier
    let logger: Logger

    func run() async throws {
        guard let interval = notifier.watchdogInterval else { return try await gracefulShutdown() }
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await store.ping()
                notifier.watchdogAlive()
            } catch {
                logger.error("the store does not answer; the watchdog is not fed", metadata: ["error": "\(error)"])
            }
            await Task.sleepUnlessShuttingDown(for: interval / 2)
        }
    }
}
