import AlertDelivery
import CollectorStore
import Logging
import ServiceLifecycle

/// The query planner's statistics, shortly after start and then every hour: the store grows from
/// nothing, and without them a query may walk a million open findings to find one rule's.
struct StatisticsService: Service {
    let store: any CollectorStore
    let logger: Logger
    var firstAfter: Duration = .seconds(5)
    var interval: Duration = .seconds(3600)

    func run() async throws {
        await Task.sleepUnlessShuttingDown(for: firstAfter)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                try await store.refreshStatistics()
                logger.debug("query planner statistics refreshed", metadata: ["seconds": "\(ContinuousClock.now - started)"])
            } catch {
                logger.warning("the query planner's statistics could not be refreshed", metadata: ["error": "\(error)"])
            }
            await Task.sleepUnlessShuttingDown(for: interval)
        }
    }
}
