public import Alerts
public import CanhModel
import Foundation
import GRDB

/// The alert outbox: what the dispatcher reads and records, and what people list and retry.
extension SQLiteCollectorStore {
    public func queuedAlerts(state: QueuedAlert.State?, limit: Int) async throws(StoreError) -> [QueuedAlert] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert_outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2",
                arguments: [state?.rawValue, limit]
            ).map(Self.queuedAlert)
        }
    }

    public func alertCounts(_ states: [QueuedAlert.State]) async throws(StoreError) -> [QueuedAlert.State: Int] {
        try await read { db in
            // One index range per state: the dispatcher asks every pass, and the sent messages
            // it does not ask about are most of the table.
            let count = try db.cachedStatement(sql: "SELECT count(*) FROM alert_outbox WHERE state = ?")
            var counts: [QueuedAlert.State: Int] = [:]
            for state in states { counts[state] = try Int.fetchOne(count, arguments: [state.rawValue]) ?? 0 }
            return counts
        }
    }

    public func dueAlerts(at time: Timestamp, limit: Int) async throws(StoreError) -> [DueAlert] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                arguments: [time.microsecondsSinceEpoch, limit]
            ).map { row in
                DueAlert(
                    id: row["id"], channel: row["channel"], attempts: row["attempts"], key: row["key"],
                    kind: AlertMessage.Kind(rawValue: row["kind"]) ?? .alert, systemID: row["system_id"], rule: row["rule"],
                    text: row["message"], heldText: row["held"])
            }
        }
    }

    /// One collector serves a SQLite store: its messages are always its own.
    public func renewClaim(alert id: Int64, at time: Timestamp) async throws(StoreError) -> Bool { true }

    public func recordAlertOutcomes(_ outcomes: [(id: Int64, outcome: AlertOutcome)], at time: Timestamp) async throws(StoreError) {
        guard !outcomes.isEmpty else { return }
        try await write { db in
            for (id, outcome) in outcomes {
                switch outcome {
                case .sent:
                    try db.cachedStatement(
                        sql: "UPDATE alert_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?"
                    ).execute(arguments: [time.microsecondsSinceEpoch, id])
                case .failed(let error, let retryAt):
                    try db.cachedStatement(
                        sql: """
                            UPDATE alert_outbox SET state = ?, attempts = attempts + 1, last_error = ?,
                                next_attempt_at = coalesce(?, next_attempt_at)
                            WHERE id = ?
                            """
                    ).execute(arguments: [retryAt == nil ? "dead" : "pending", error, retryAt?.microsecondsSinceEpoch, id])
                case .held(let window):
                    try db.cachedStatement(sql: "UPDATE alert_outbox SET next_attempt_at = ?, held = ? WHERE id = ?")
                        .execute(arguments: [window.until.microsecondsSinceEpoch, try AlertOutbox.json(window), id])
                case .suppressed:
                    try db.cachedStatement(sql: "UPDATE alert_outbox SET state = 'suppressed' WHERE id = ?").execute(arguments: [id])
                }
                guard db.changesCount == 1 else { throw StoreError.notFound("queued alert \(id)") }
            }
        }
    }

    public func sentAlerts(channel: String, system: String?, rule: String?, since: Timestamp) async throws(StoreError) -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM alert_outbox WHERE channel = ?1 AND state = 'sent' AND sent_at >= ?2 AND kind = 'alert'
                        AND (?3 IS NULL OR system_id = ?3) AND (?4 IS NULL OR rule = ?4)
                    """, arguments: [channel, since.microsecondsSinceEpoch, system, rule]) ?? 0
        }
    }

    public func alertDelivery(from: Timestamp, until: Timestamp) async throws(StoreError) -> AlertDeliverySummary {
        try await read { db in
            var summary = AlertDeliverySummary()
            let range: StatementArguments = [from.microsecondsSinceEpoch, until.microsecondsSinceEpoch]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT system_id, count(*) FROM alert_outbox WHERE state = 'sent' AND sent_at >= ? AND sent_at < ? GROUP BY system_id",
                arguments: range)
            {
                summary.sentBySystem[row[0]] = row[1]
                summary.sent += row[1] as Int
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT system_id, count(*) FROM alert_outbox WHERE state = 'dead' AND created_at >= ? AND created_at < ? GROUP BY system_id",
                arguments: range)
            {
                summary.deadBySystem[row[0]] = row[1]
            }
            return summary
        }
    }

    public func queueDigests(suppressedBefore before: Timestamp, windowMinutes: Int, at time: Timestamp) async throws(StoreError) -> Int {
        let groupsSQL = """
            SELECT channel, count(*) AS n, min(created_at) AS since, max(created_at) AS until,
                min(id) AS first, max(id) AS last, max(message) AS sample
            FROM alert_outbox WHERE state = 'suppressed'
            GROUP BY channel, system_id, rule HAVING min(created_at) < ?
            """
        // Looked for on a reader first: the grouping reads every suppressed message, and under a
        // flood of them, doing so in a write transaction held up every agent's batch.
        let due = try await read { db in try Row.fetchOne(db, sql: groupsSQL, arguments: [before.microsecondsSinceEpoch]) != nil }
        guard due else { return 0 }
        return try await write { db in
            let groups = try Row.fetchAll(db, sql: groupsSQL, arguments: [before.microsecondsSinceEpoch]).map { row in
                AlertSweeps.SuppressedGroup(
                    channel: row["channel"], count: row["n"], since: Timestamp(microsecondsSinceEpoch: row["since"]),
                    until: Timestamp(microsecondsSinceEpoch: row["until"]), first: row["first"], last: row["last"], sample: row["sample"])
            }
            for group in groups {
                let digest = try AlertSweeps.digest(of: group, windowMinutes: windowMinutes, at: time)
                try Self.insert(digest.entry, in: db)
                try db.execute(
                    sql: """
                        UPDATE alert_outbox SET state = 'digested'
                        WHERE state = 'suppressed' AND channel = ? AND system_id = ? AND rule = ? AND id BETWEEN ? AND ?
                        """, arguments: [group.channel, digest.system, digest.rule, group.first, group.last])
            }
            return groups.count
        }
    }

    public func queueStaleHostAlerts(staleAfter: TimeSpan, at time: Timestamp) async throws(StoreError) -> Int {
        let routing = self.routing
        guard AlertSweeps.watchesStaleHosts(routing) else { return 0 }
        return try await write { db in
            let silent = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM hosts WHERE status = 'active' AND coalesce(last_seen, enrolled_at) < ?
                    ORDER BY system_id, agent_id
                    """, arguments: [(time - staleAfter).microsecondsSinceEpoch]
            ).map(Self.host)
            guard !silent.isEmpty else { return 0 }
            let systems = try Dictionary(
                Row.fetchAll(db, sql: "SELECT * FROM systems").map(Self.system).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }
            )
            var newlyStale = 0
            for (_, entries) in try AlertSweeps.staleHostAlerts(
                silent, systems: systems, routing: routing, staleAfter: staleAfter, at: time)
            {
                var inserted = false
                for entry in entries where try Self.insert(entry, in: db) { inserted = true }
                if inserted { newlyStale += 1 }
            }
            return newlyStale
        }
    }

    /// Queues one message for one channel unless (key, channel) is already queued; true when it
    /// was new.
    @discardableResult
    static func insert(_ entry: OutboxEntry, in db: Database) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO alert_outbox (key, channel, kind, system_id, rule, message, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key, channel) DO NOTHING
                """
        ).execute(arguments: [
            entry.key, entry.channel, entry.kind.rawValue, entry.systemID, entry.rule, entry.text, entry.queuedAt.microsecondsSinceEpoch,
            entry.queuedAt.microsecondsSinceEpoch,
        ])
        return db.changesCount == 1
    }

    public func retryAlerts(ids: [Int64], at time: Timestamp) async throws(StoreError) -> Int {
        try await write { db in
            let placeholders = ids.isEmpty ? "" : " AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
            try db.execute(
                sql: """
                    UPDATE alert_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?
                    WHERE state = 'dead'\(placeholders)
                    """, arguments: StatementArguments([time.microsecondsSinceEpoch] + ids.map { $0 as any DatabaseValueConvertible }))
            return db.changesCount
        }
    }

    static func queuedAlert(_ row: Row) throws -> QueuedAlert {
        let message = try AlertOutbox.message(row["message"], held: row["held"])
        return QueuedAlert(
            id: row["id"], channel: row["channel"], state: QueuedAlert.State(rawValue: row["state"]) ?? .pending,
            attempts: row["attempts"], lastError: row["last_error"], createdAt: Timestamp(microsecondsSinceEpoch: row["created_at"]),
            nextAttemptAt: Timestamp(microsecondsSinceEpoch: row["next_attempt_at"]),
            sentAt: (row["sent_at"] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)), message: message)
    }
}
