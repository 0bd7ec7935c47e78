import Hummingbird
import Prometheus

/// What the collector counts, exposed at `/metrics` in Prometheus text format. One registry per
/// server (not the process-wide swift-metrics bootstrap), so several collectors can run in one
/// test process.
final class CollectorMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let recordsAccepted: Counter
    let recordsDuplicate: Counter
    let batchesStored: Counter
    let batchesRefused: Counter
    let enrollments: Counter
    let enrollmentsRefused: Counter
    let ingestSeconds: DurationHistogram

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "canh", subsystem: "collector", metricName: metric, unitName: unit, helpText: help)
        }
        let records = name("records", "total", "Finding records received.")
        recordsAccepted = registry.makeCounter(descriptor: records, labels: [("result", "accepted")])
        recordsDuplicate = registry.makeCounter(descriptor: records, labels: [("result", "duplicate")])
        let batches = name("batches", "total", "Record batches received.")
        batchesStored = registry.makeCounter(descriptor: batches, labels: [("result", "stored")])
        batchesRefused = registry.makeCounter(descriptor: batches, labels: [("result", "refused")])
        let enrolled = name("enrollments", "total", "Enrollment attempts.")
        enrollments = registry.makeCounter(descriptor: enrolled, labels: [("result", "enrolled")])
        enrollmentsRefused = registry.makeCounter(descriptor: enrolled, labels: [("result", "refused")])
        ingestSeconds = registry.makeDurationHistogram(
            descriptor: name("ingest_duration", "seconds", "Time to validate and commit one batch."),
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2.5),
            ])
    }
}
