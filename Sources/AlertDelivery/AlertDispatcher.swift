public import Alerts
public import CanhModel
public import CollectorStore
public import Logging
public import Prometheus
public import ServiceLifecycle

/// `[alerts]` of collector.toml: timing of delivery, throttling and retries.
public struct AlertDeliverySettings: Sendable, Hashable {
    /// How often the outbox is read for due messages.
    public var pollInterval: Duration = .seconds(1)
    /// The throttle window: channel limits count the alerts sent within it, digests cover it.
    public var window: TimeSpan = .minutes(10)
    /// Attempts per message before it goes to the dead-letter list.
    public var attempts = 12
    /// The first retry's delay; each next one doubles, up to `maximumRetryDelay`.
    public var retryDelay: TimeSpan = .seconds(10)
    public var maximumRetryDelay: TimeSpan = .minutes(30)
    /// Three missed heartbeats (SPEC §6).
    public var staleAfter: TimeSpan = .seconds(180)
    public var maintenance: [MaintenanceWindow] = []
    /// With several collectors on one PostgreSQL store: how long the messages a collector took to
    /// send stay its own; after that (it died sending them), another collector sends them.
    public var claimTimeout: TimeSpan = .seconds(60)

    public init() {}

    /// When to try again after `attempts` failed attempts, or nil when they are used up.
    public func retryTime(after attempts: Int, at time: Timestamp) -> Timestamp? {
        guard attempts < self.attempts else { return nil }
        var delay = retryDelay
        for _ in 1..<max(attempts, 1) where delay < maximumRetryDelay { delay = TimeSpan(microseconds: delay.microseconds * 2) }
        return time + min(delay, maximumRetryDelay)
    }
}

/// Reads the outbox and delivers what is due: maintenance windows hold messages back, throttle
/// limits fold them into digests, failures are retried with backoff until they are dead. A
/// message is marked sent only after its channel took it, so a crash in between sends it again
/// with the same key (at least once, and exactly once for a receiver that drops repeated keys).
public struct AlertDispatcher: Service {
    let store: any CollectorStore
    let channels: [String: Route]
    let settings: AlertDeliverySettings
    let metrics: AlertMetrics
    let logger: Logger
    let now: @Sendable () -> Timestamp
    /// What to do about each rule's findings, added to every message as it is sent.
    let guides: RuleGuideBook

    struct Route: Sendable {
        var channel: AlertChannel
        var sender: any AlertSender
    }

    public init(
        store: any CollectorStore, channels: [AlertChannel], settings: AlertDeliverySettings, hostname: String,
        guides: RuleGuideBook = RuleGuideBook(), registry: PrometheusCollectorRegistry, logger: Logger,
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) throws(DeliveryError) {
        var routes: [String: Route] = [:]
        for channel in channels { routes[channel.name] = Route(channel: channel, sender: try channel.sender(hostname: hostname)) }
        self.init(store: store, routes: routes, settings: settings, guides: guides, registry: registry, logger: logger, now: now)
    }

    init(
        store: any CollectorStore, routes: [String: Route], settings: AlertDeliverySettings, guides: RuleGuideBook = RuleGuideBook(),
        registry: PrometheusCollectorRegistry, logger: Logger, now: @escaping @Sendable () -> Timestamp
    ) {
        self.guides = guides
        self.store = store
        channels = routes
        self.settings = settings
        metrics = AlertMetrics(registry: registry, channels: routes.keys.sorted())
        self.logger = logger
        self.now = now
    }

    /// Delivers until cancelled or shut down gracefully (a pass under way ends first). Stale hosts
    /// and ended throttle windows are looked for every 30 s, not on every pass: both read a whole
    /// table's worth of rows under a flood, and a digest 30 s late still covers its window.
    public func run() async {
        var lastSweep: Timestamp?
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let time = now()
            if lastSweep.map({ time.since($0) >= .seconds(30) }) ?? true {
                lastSweep = time
                await logFailure("looking for stale hosts") { () async throws(StoreError) in
                    _ = try await store.queueStaleHostAlerts(staleAfter: settings.staleAfter, at: time)
                }
                await queueDigests(at: time)
            }
            await deliverDue(digests: false)
            await Task.sleepUnlessShuttingDown(for: settings.pollInterval)
        }
    }

    /// Digests for the throttle windows that ended.
    private func queueDigests(at time: Timestamp) async {
        await logFailure("queueing digests") { () async throws(StoreError) in
            let windowMinutes = Int(settings.window.microseconds / 60_000_000)
            _ = try await store.queueDigests(suppressedBefore: time - settings.window, windowMinutes: windowMinutes, at: time)
        }
    }

    /// One pass: digests for throttle windows that ended (unless `digests` is false: `run`
    /// queues them on its own clock), then every due message.
    public func deliverDue(digests: Bool = true) async {
        let time = now()
        if digests { await queueDigests(at: time) }
        await logFailure("delivering alerts") { () async throws(StoreError) in
            let due = try await store.dueAlerts(at: time, limit: 500)
            let byChannel = Dictionary(grouping: due, by: \.channel)
            await withTaskGroup(of: Void.self) { group in
                for (name, alerts) in byChannel {
                    group.addTask { await deliver(alerts, channel: name) }
                }
            }
            let counts = try await store.alertCounts([.pending, .dead])
            metrics.queued.record(Int64(counts[.pending, default: 0]))
            metrics.dead.record(Int64(counts[.dead, default: 0]))
        }
    }

    /// One channel's due messages, in order. A decision that sends something (sent, failed) is
    /// recorded before the next message is tried, so a crash resends at most one message; the
    /// decisions that send nothing (suppressed, held) are recorded together with the next
    /// recorded one or at the end of the pass, in one transaction: under a flood of throttled
    /// alerts, one write per message would queue in front of every agent's batch. The first
    /// failure ends the channel's pass: the rest stay due for the next one, so a receiver that is
    /// down costs one timeout per pass, not one per queued message.
    private func deliver(_ alerts: [DueAlert], channel name: String) async {
        var counts = ThrottleCounts()
        var decided: [(id: Int64, outcome: AlertOutcome)] = []
        for alert in alerts {
            // nil: another collector sharing the store has taken the message over.
            guard let outcome = await decide(alert, route: channels[name], counts: &counts) else { continue }
            metrics.count(outcome, channel: name)
            decided.append((alert.id, outcome))
            switch outcome {
            case .suppressed, .held: continue
            case .sent, .failed: break
            }
            await record(decided)
            decided = []
            if case .failed = outcome { return }
        }
        await record(decided)
    }

    /// Whether this collector may still send the message (see `CollectorStore.renewClaim`):
    /// another collector sharing the store may have taken it over.
    private func stillOurs(_ alert: DueAlert) async -> Bool {
        do {
            return try await store.renewClaim(alert: alert.id, at: now())
        } catch {
            logger.error("renewing the claim on an alert failed; it waits", metadata: ["key": "\(alert.key)", "error": "\(error)"])
            return false
        }
    }

    private func record(_ outcomes: [(id: Int64, outcome: AlertOutcome)]) async {
        guard !outcomes.isEmpty else { return }
        let ids = outcomes.map { String($0.id) }.joined(separator: ", ")
        await logFailure("recording the outcome of alert(s) \(ids)") { () async throws(StoreError) in
            try await store.recordAlertOutcomes(outcomes, at: now())
        }
    }

    /// What throttling has counted in one channel's pass: the outbox is asked once per channel
    /// and once per system and rule, then what the pass sends is added. (The window moves on
    /// while a pass of at most 500 messages runs; counts taken at its start only err towards
    /// sending fewer.)
    struct ThrottleCounts {
        var channel: Int?
        var byRule: [String: Int] = [:]

        static func ruleKey(_ alert: DueAlert) -> String { alert.systemID + "\u{0}" + alert.rule }
    }

    private func decide(_ alert: DueAlert, route: Route?, counts: inout ThrottleCounts) async -> AlertOutcome? {
        guard let route else { return .failed("no [[alerts.channels]] is called \(alert.channel) any more", retryAt: nil) }
        let time = now()
        let ruleKey = ThrottleCounts.ruleKey(alert)
        if alert.kind == .alert {
            if let window = settings.maintenance.first(where: { $0.system == alert.systemID && $0.covers(time) }) {
                return .held(window)
            }
            let since = time - settings.window
            do {
                if counts.byRule[ruleKey] == nil {
                    counts.byRule[ruleKey] = try await store.sentAlerts(
                        channel: alert.channel, system: alert.systemID, rule: alert.rule, since: since)
                }
                if counts.byRule[ruleKey, default: 0] >= route.channel.limitPerRule { return .suppressed }
                if counts.channel == nil {
                    counts.channel = try await store.sentAlerts(channel: alert.channel, system: nil, rule: nil, since: since)
                }
                if counts.channel ?? 0 >= route.channel.limit { return .suppressed }
            } catch {
                return .failed("cannot count what was sent: \(error)", retryAt: time + settings.retryDelay)
            }
        }
        // Only a message about to be sent needs its claim renewed (a write with a shared store).
        guard await stillOurs(alert) else { return nil }
        do {
            var message = try alert.message()
            if message.kind != .test { message.guidance = guides.guidance(for: message.rule) }
            try await route.sender.send(message)
            if alert.kind == .alert {
                counts.channel? += 1
                counts.byRule[ruleKey]? += 1
            }
            logger.info(
                "alert sent",
                metadata: ["channel": "\(alert.channel)", "key": "\(alert.key)", "rule": "\(alert.rule)", "system": "\(alert.systemID)"])
            return .sent
        } catch {
            let retryAt = settings.retryTime(after: alert.attempts + 1, at: time)
            logger.warning(
                retryAt == nil
                    ? "alert undeliverable; it is on the dead-letter list (canh-collector alerts list --state dead)"
                    : "alert not delivered; will retry",
                metadata: [
                    "channel": "\(alert.channel)", "key": "\(alert.key)", "attempt": "\(alert.attempts + 1)", "error": "\(error)",
                    "retry_at": "\(retryAt?.iso8601 ?? "never")",
                ])
            return .failed("\(error)", retryAt: retryAt)
        }
    }

    private func logFailure(_ what: String, _ body: () async throws(StoreError) -> Void) async {
        do { try await body() } catch { logger.error("\(what) failed", metadata: ["error": "\(error)"]) }
    }
}

/// `canh_collector_alerts_total{channel, result}` and the outbox's queued and dead counts.
struct AlertMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let queued: Gauge
    let dead: Gauge

    init(registry: PrometheusCollectorRegistry, channels: [String]) {
        self.registry = registry
        queued = registry.makeGauge(descriptor: Self.name("alerts_pending", "Alert messages waiting to be sent."))
        dead = registry.makeGauge(descriptor: Self.name("alerts_dead", "Alert messages that ran out of attempts (the dead-letter list)."))
        // Every series from the start, so a rate over a channel that never failed is 0 rather than absent.
        for channel in channels {
            for result in ["sent", "failed", "suppressed", "held"] { _ = counter(channel, result) }
        }
    }

    private static func name(_ metric: String, _ help: String, unit: String = "messages") -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "canh", subsystem: "collector", metricName: metric, unitName: unit, helpText: help)
    }

    func count(_ outcome: AlertOutcome, channel: String) {
        switch outcome {
        case .sent: counter(channel, "sent").increment()
        case .failed: counter(channel, "failed").increment()
        case .suppressed: counter(channel, "suppressed").increment()
        case .held: counter(channel, "held").increment()
        }
    }

    private func counter(_ channel: String, _ result: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("alerts", "Alert delivery attempts and decisions, by channel and result.", unit: "total"),
            labels: [("channel", channel), ("result", result)])
    }
}
