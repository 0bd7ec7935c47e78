public import AlertDelivery
public import CollectorStore
public import Logging
public import ServiceLifecycle
public import Systemd
import UnixSignals

/// `canh-collector serve` as one group of services over one store. Graceful shutdown (SIGTERM,
/// SIGINT) goes in reverse order of the list: the HTTPS service stops taking requests and
/// finishes those under way (an acknowledged batch is committed before its answer), then alert
/// delivery ends its pass, then the periodic work stops.
public enum CollectorServices {
    /// Runs the group until it is shut down.
    public static func run(
        store: any CollectorStore, http: any Service, dispatcher: AlertDispatcher, notifier: ServiceNotifier, logger: Logger
    ) async throws {
        try await group(store: store, http: http, dispatcher: dispatcher, notifier: notifier, logger: logger).run()
    }

    /// - Parameters:
    ///   - http: the HTTPS service (`CollectorServer.application`).
    ///   - dispatcher: delivers the outbox, and queues stale-host alerts and digests.
    public static func group(
        store: any CollectorStore, http: any Service, dispatcher: AlertDispatcher, notifier: ServiceNotifier, logger: Logger
    ) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: StoreWatchdogService(store: store, notifier: notifier, logger: logger), serviceName: "watchdog"),
                    .init(service: StatisticsService(store: store, logger: logger), serviceName: "statistics"),
                    .init(service: dispatcher, serviceName: "alert delivery"),
                    .init(service: http, serviceName: "https"),
                ], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
    }
}
