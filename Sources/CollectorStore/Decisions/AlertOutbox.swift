package import Alerts
package import CanhModel
import Foundation

/// One message for one channel, as the outbox holds it. (key, channel) is unique in every store,
/// so a re-sent batch or a replayed change queues nothing twice.
package struct OutboxEntry: Sendable, Hashable {
    package var key: String
    package var channel: String
    package var kind: AlertMessage.Kind
    package var systemID: String
    package var rule: String
    /// The message as JSON (`AlertOutbox.json`).
    package var text: String
    /// When it enters the queue, and is first due: the collector's time of the change, which
    /// throttle windows count from (the event's own time, in the message, may be hours older).
    package var queuedAt: Timestamp
}

/// Which messages a state change queues: decided here, stored by the store inside the
/// transaction that makes the change, so a message is stored exactly when its change is.
package struct AlertOutbox: Sendable {
    let routing: AlertRouting
    /// The system the changes belong to; nil when it is unknown (nothing is queued).
    let system: InformationSystem?
    let queuedAt: Timestamp
    /// What has been queued so far, in order.
    package private(set) var entries: [OutboxEntry] = []

    package init(routing: AlertRouting, system: InformationSystem?, queuedAt: Timestamp) {
        self.routing = routing
        self.system = system
        self.queuedAt = queuedAt
    }

    /// Whether any change could queue a message: when not, a store need not read the system.
    package static func routes(_ routing: AlertRouting) -> Bool { !routing.rules.isEmpty }

    package mutating func queue(previous: FindingState?, current: FindingState, change: FindingTransition?, at time: Timestamp) throws {
        guard Self.routes(routing), let transition = AlertTransition.of(previous: previous, current: current, change: change) else {
            return
        }
        try queue(
            transition: transition, rule: current.rule, severity: current.severity, host: current.host, subject: current.fingerprint,
            finding: current, at: time)
    }

    /// A host that stopped sending heartbeats: its agent id is the subject, `host.stale` the rule.
    package mutating func queueStale(_ host: EnrolledHost, at time: Timestamp) throws {
        try queue(
            transition: .hostStale, rule: AlertMessage.hostStaleRule, severity: .medium, host: host.hostname, subject: host.agentID,
            finding: nil, at: time)
    }

    private mutating func queue(
        transition: AlertTransition, rule: String, severity: Severity, host: String, subject: String, finding: FindingState?,
        at time: Timestamp
    ) throws {
        guard Self.routes(routing), let system else { return }
        let event = AlertEvent(
            transition: transition, rule: rule, severity: severity, system: system, host: host, subject: subject, at: time)
        let key = event.idempotencyKey
        // The channels an alert rule sends to get the same message: it is encoded once.
        var encoded: (rule: String, text: String)?
        for delivery in routing.deliveries(for: event) {
            let message = AlertMessage(
                key: key, transition: transition, alertRule: delivery.rule, at: time, system: system, host: host,
                rule: rule, severity: severity, finding: finding)
            let text = try encoded.flatMap { $0.rule == delivery.rule ? $0.text : nil } ?? Self.json(message)
            encoded = (delivery.rule, text)
            entries.append(Self.entry(message, text: text, channel: delivery.channel, at: queuedAt))
        }
    }

    /// One message for one channel, due at once.
    package static func entry(_ message: AlertMessage, channel: String, at time: Timestamp) throws -> OutboxEntry {
        entry(message, text: try json(message), channel: channel, at: time)
    }

    private static func entry(_ message: AlertMessage, text: String, channel: String, at time: Timestamp) -> OutboxEntry {
        OutboxEntry(
            key: message.key, channel: channel, kind: message.kind, systemID: message.system.id, rule: message.rule, text: text,
            queuedAt: time)
    }

    /// How the outbox's columns hold messages and maintenance windows: JSON with sorted keys,
    /// written by `JSONValueEncoder` (this runs on the ingest writer for every matching change).
    package static func json(_ value: some Encodable) throws -> String {
        try JSONValueEncoder().encode(value).serialized
    }

    /// A queued message as its columns hold it: the message, and the maintenance window that held
    /// it back when one did (kept in its own column, so the message text stays as queued).
    package static func message(_ text: String, held: String?) throws -> AlertMessage {
        var message = try decode(AlertMessage.self, from: text)
        if let held { message.heldBack = try decode(MaintenanceWindow.self, from: held) }
        return message
    }

    package static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
