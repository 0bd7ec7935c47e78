import AgentSpool
import CanhModel
import Logging
import Prometheus
import ServiceLifecycle

/// Delivers the spool whenever records arrive, retries with backoff while the collector cannot
/// be reached, reports what was lost (spool full, refused records) as a finding, and flushes once
/// more on graceful shutdown.
struct DeliveryService: Service {
    let delivery: Delivery
    let spool: Spool
    let runtime: AgentRuntime
    let hostname: String
    let wake: WakeSignal
    let backoff: Backoff
    let metrics: AgentMetrics
    let logger: Logger
    /// How long the last flush may take when the agent stops.
    var finalFlush: Duration = .seconds(5)

    func run() async throws {
        var failures = 0
        var generator = SystemRandomNumberGenerator()
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                failures = await attempt() ? 0 : failures + 1
                await wake.wait(upTo: failures == 0 ? .seconds(30) : backoff.delay(afterFailures: failures, using: &generator))
            }
        } onGracefulShutdown: {
            wake.ring()
        }
        // The journal has committed its last records by now (services stop in reverse order).
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await attempt() }
            group.addTask { try? await Task.sleep(for: finalFlush) }
            await group.next()
            group.cancelAll()
        }
    }

    /// One round: report losses, then deliver everything. Returns false when delivery failed.
    private func attempt() async -> Bool {
        do {
            try reportLosses()
            var delivered = try await delivery.deliverPending()
            // Records refused during this round are reported (and delivered) at once.
            if try !reportLosses().isEmpty { delivered += try await delivery.deliverPending() }
            let now = Timestamp.now()
            metrics.recordsDelivered.increment(by: Int64(delivered))
            metrics.lastDelivery.set(Double(now.microsecondsSinceEpoch) / 1e6)
            metrics.spoolRecords.set(Int64(try spool.depth().records))
            try spool.setFact(StatusFacts.lastDelivery, now.iso8601)
            try spool.setFact(StatusFacts.lastDeliveryError, "")
            if delivered > 0 { logger.debug("delivered", metadata: ["records": "\(delivered)"]) }
            return true
        } catch {
            logger.warning("delivery failed; the records stay in the spool", metadata: ["error": "\(error)"])
            metrics.deliveryFailures.increment()
            if let depth = try? spool.depth() { metrics.spoolRecords.set(Int64(depth.records)) }
            try? spool.setFact(StatusFacts.lastDeliveryError, "\(Timestamp.now().iso8601) \(error)")
            return false
        }
    }

    /// Turns the tallies of lost records into `log.coverage.gap` findings about the spool.
    @discardableResult
    private func reportLosses() throws -> [FindingRecord] {
        let current = runtime.current
        let coverage = CoverageRecord(pack: current.pack, level: current.level, host: hostname)
        let reports = try spool.reportDropped { dropped in
            let now = Timestamp.now()
            let counts = Severity.allCases.reversed().compactMap { severity in
                dropped.counts[severity].map { "\(severity.rawValue): \($0)" }
            }
            var evidence = Evidence([
                ("dropped", .number(Int64(dropped.total))), ("by_severity", .list(counts)),
                ("from", .text((dropped.oldest ?? now).iso8601)), ("to", .text((dropped.newest ?? now).iso8601)),
            ])
            let title: LocalizedText
            switch dropped.cause {
            case .spoolFull:
                evidence["reason"] = .text(
                    "the agent's spool was full while the collector could not be reached; the least severe records went first")
                title = LocalizedText(
                    vi: "Bộ đệm của tác tử đầy: một số phát hiện đã bị loại bỏ", en: "Agent spool full: some findings were dropped")
            case .refused:
                evidence["reason"] = .text("the collector refused these records: \(dropped.reason ?? "no reason given")")
                title = LocalizedText(vi: "Máy chủ thu thập từ chối một số phát hiện", en: "The collector refused some findings")
            }
            return coverage.record(
                entity: "spool:" + spool.path, trigger: "\(dropped.cause.rawValue) \(now.microsecondsSinceEpoch)", time: now,
                firstSeen: dropped.oldest, count: dropped.total, title: title, evidence: evidence)
        }
        for report in reports {
            metrics.recordsLost.increment(by: Int64(report.count))
            logger.error("records were lost before reaching the collector", metadata: ["finding": "\(report.evidence)"])
        }
        return reports
    }
}

/// The names of the facts the daemon keeps in the spool for `canh-agent status`.
enum StatusFacts {
    static let lastDelivery = "last_delivery"
    static let lastDeliveryError = "last_delivery_error"
    static let lastHeartbeat = "last_heartbeat"
    static let lastHeartbeatError = "last_heartbeat_error"
    static let rulesVersion = "rules_version"
    static let level = "level"
    static let reloadError = "reload_error"
    static let rulesRefused = "rules_refused"
    static let started = "started"
}
