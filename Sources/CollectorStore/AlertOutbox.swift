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
    /// The collector's time of the change: when the messages enter the queue, which throttle
    /// windows count from (the event's own time, in the message, may be hours older).
    let queuedAt: Timestamp
    /// Read once, when the first change needs it.
    private var system: InformationSystem?

    init(routing: AlertRouting, systemID: String, queuedAt: Timestamp) {
        self.routing = routing
        self.systemID = systemID
        self.queuedAt = queuedAt
    }

    mutating func queue(previous: FindingState?, current: FindingState, change: FindingTransition?, at time: Timestamp, in db: Database)
        throws
    {
        guard !routing.rules.isEmpty,
            let transition = AlertTransition.of(previous: previous, current: current, change: change)
        else { return }
        try queue(
            transition: transition, rule: current.rule, severity: current.severity, host: current.host, subject: current.fingerprint,
            finding: current, at: time, in: db)
    }

    /// A host that stopped sending heartbeats: its agent id is the subject, `host.stale` the rule.
    /// Returns how many messages were new.
    mutating func queueStale(_ host: EnrolledHost, at time: Timestamp, in db: Database) throws -> Int {
        try queue(
            transition: .hostStale, rule: AlertMessage.hostStaleRule, severity: .medium, host: host.hostname, subject: host.agentID,
            finding: nil, at: time, in: db)
    }

    @discardableResult
    private mutating func queue(
        transition: AlertTransition, rule: String, severity: Severity, host: String, subject: String, finding: FindingState?,
        at time: Timestamp, in db: Database
    ) throws -> Int {
        guard !routing.rules.isEmpty else { return 0 }
        if system == nil {
            system = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM systems WHERE id = ?"), arguments: [systemID])
                .map { SQLiteCollectorStore.system($0) }
        }
        guard let system else { return 0 }
        let event = AlertEvent(
            transition: transition, rule: rule, severity: severity, system: system, host: host, subject: subject, at: time)
        var inserted = 0
        let key = event.idempotencyKey
        // The channels an alert rule sends to get the same message: it is encoded once.
        var encoded: (rule: String, text: String)?
        for delivery in routing.deliveries(for: event) {
            let message = AlertMessage(
                key: key, transition: transition, alertRule: delivery.rule, at: time, system: system, host: host,
                rule: rule, severity: severity, finding: finding)
            let text = try encoded.flatMap { $0.rule == delivery.rule ? $0.text : nil } ?? Self.json(message)
            encoded = (delivery.rule, text)
            if try Self.insert(message, text: text, channel: delivery.channel, at: queuedAt, in: db) { inserted += 1 }
        }
        return inserted
    }

    /// Inserts one message for one channel, due at once, unless (key, channel) is already queued;
    /// true when it was new.
    @discardableResult
    static func insert(_ message: AlertMessage, channel: String, at time: Timestamp, in db: Database) throws -> Bool {
        try insert(message, text: try json(message), channel: channel, at: time, in: db)
    }

    private static func insert(_ message: AlertMessage, text: String, channel: String, at time: Timestamp, in db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (key, channel, kind, system_id, rule, message, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key, channel) DO NOTHING
                """
        ).execute(arguments: [
            message.key, channel, message.kind.rawValue, message.system.id, message.rule, text, time.microsecondsSinceEpoch,
            time.microsecondsSinceEpoch,
        ])
        return db.changesCount == 1
    }

    /// How the outbox's columns hold messages and maintenance windows: JSON with sorted keys,
    /// written by `JSONValueEncoder` (this runs on the ingest writer for every matching change).
    static func json(_ value: some Encodable) throws -> String {
        try JSONValueEncoder().encode(value).serialized
    }

    /// A queued message as its columns hold it: the message, and the maintenance window that held
    /// it back when one did (kept in its own column, so the message text stays as queued).
    static func message(_ text: String, held: String?) throws -> AlertMessage {
        var message = try decode(AlertMessage.self, from: text)
        if let held { message.heldBack = try decode(MaintenanceWindow.self, from: held) }
        return message
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
