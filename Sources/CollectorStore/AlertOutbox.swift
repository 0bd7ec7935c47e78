import Alerts
import CanhModel
import Foundation
import GRDB

/// Queues the alerts a state change causes, inside the transaction that makes the change: the
/// message is stored exactly when the change is, and (key, channel) being unique means a
/// re-sent batch or a replayed change queues nothing twice.
struct AlertOutbox {
    let routing: AlertRouting
    let systemID: String
    /// Read once, when the first change needs it.
    private var system: InformationSystem?

    init(routing: AlertRouting, systemID: String) {
        self.routing = routing
        self.systemID = systemID
    }

    mutating func queue(previous: FindingState?, current: FindingState, change: FindingTransition?, at time: Timestamp, in db: Database)
        throws
    {
        guard !routing.rules.isEmpty,
            let transition = AlertTransition.of(previous: previous, current: current, change: change)
        else { return }
        if system == nil {
            system = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM systems WHERE id = ?"), arguments: [systemID])
                .map { SQLiteCollectorStore.system($0) }
        }
        guard let system else { return }
        let event = AlertEvent(
            transition: transition, rule: current.rule, severity: current.severity, system: system, host: current.host,
            subject: current.fingerprint, at: time)
        let deliveries = routing.deliveries(for: event)
        guard !deliveries.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (key, channel, message, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (key, channel) DO NOTHING
                """)
        for delivery in deliveries {
            let message = AlertMessage(
                key: event.idempotencyKey, transition: transition, alertRule: delivery.rule, at: time, system: system,
                host: current.host, finding: current)
            let text = String(decoding: try encoder.encode(message), as: UTF8.self)
            try insert.execute(
                arguments: [event.idempotencyKey, delivery.channel, text, time.microsecondsSinceEpoch, time.microsecondsSinceEpoch])
        }
    }
}
