import Prometheus

/// What the agent counts, for the optional Prometheus endpoint (`[agent] metrics`).
final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let journalEntries: Counter
    let recordsSpooled: Counter
    let recordsDelivered: Counter
    let recordsLost: Counter
    let deliveryFailures: Counter
    let heartbeatFailures: Counter
    let spoolRecords: Gauge
    let lastDelivery: Gauge

    init() {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "canh", subsystem: "agent", metricName: metric, unitName: unit, helpText: help)
        }
        journalEntries = registry.makeCounter(descriptor: name("journal_entries", "total", "Journal entries read and evaluated."))
        recordsSpooled = registry.makeCounter(descriptor: name("records_spooled", "total", "Finding records written to the spool."))
        recordsDelivered = registry.makeCounter(
            descriptor: name("records_delivered", "total", "Records the collector stored or already had."))
        recordsLost = registry.makeCounter(
            descriptor: name("records_lost", "total", "Records dropped (spool full) or refused by the collector; each reported."))
        deliveryFailures = registry.makeCounter(descriptor: name("delivery_failures", "total", "Delivery rounds that failed."))
        heartbeatFailures = registry.makeCounter(descriptor: name("heartbeat_failures", "total", "Heartbeats that failed."))
        spoolRecords = registry.makeGauge(descriptor: name("spool_records", "", "Records waiting in the spool."))
        lastDelivery = registry.makeGauge(
            descriptor: name("last_delivery", "timestamp_seconds", "When the spool was last delivered in full (Unix time)."))
    }

    /// Entries on which a rule's message pattern gave up (PCRE2's match limit) and which therefore
    /// counted as not matching, by rule.
    func patternLimitHits(rule: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "canh", subsystem: "agent", metricName: "pattern_limit_hits", unitName: "total",
                helpText: "Entries a rule's message pattern gave up on (PCRE2's match limit); they counted as not matching."),
            labels: [("rule", rule)])
    }
}
