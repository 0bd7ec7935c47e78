public import Alerts
public import CanhModel
public import CollectorStore
import Foundation
import PostgresNIO

/// The alert outbox. Several collectors deliver from one outbox: a collector claims the messages
/// it is about to send (`FOR UPDATE SKIP LOCKED`, then `claimed_until`), so that no message is
/// sent by two; a claim that a dead collector left runs out after `claimTime` and the message is
/// sent again, with the same key. The sweeps (stale hosts, digests) run in one collector at a
/// time, under an advisory lock.
extension PostgresCollectorStore {
    /// Queues the messages of a change in its transaction, once per (key, channel); returns how
    /// many were new.
    @discardableResult
    func insertAlerts(_ entries: [OutboxEntry], on connection: PostgresConnection) async throws -> Int {
        var inserted = 0
        for chunk in entries.chunked(1000) {
            var sql = SQLBuilder(
                text: "INSERT INTO alert_outbox (key, channel, kind, system_id, rule, message, created_at, next_attempt_at) VALUES ")
            sql.text += chunk.map { entry in
                "("
                    + [
                        sql.bind(entry.key), sql.bind(entry.channel), sql.bind(entry.kind.rawValue), sql.bind(entry.systemID),
                        sql.bind(entry.rule), sql.bind(entry.text), sql.bind(entry.queuedAt.microsecondsSinceEpoch),
                        sql.bind(entry.queuedAt.microsecondsSinceEpoch),
                    ].joined(separator: ", ") + ")"
            }.joined(separator: ", ")
            sql.text += " ON CONFLICT (key, channel) DO NOTHING RETURNING 1"
            for try await _ in try await connection.query(sql.query, logger: pool.logger) { inserted += 1 }
        }
        return inserted
    }

    public func queuedAlerts(state: QueuedAlert.State?, limit: Int) async throws(StoreError) -> [QueuedAlert] {
        try await pool.read { connection in
            try await connection.query(
                """
                SELECT * FROM alert_outbox WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: pool.logger
            ).all { row in
                QueuedAlert(
                    id: try row.value("id"), channel: try row.value("channel"),
                    state: QueuedAlert.State(rawValue: try row.value("state")) ?? .pending, attempts: try row.value("attempts"),
                    lastError: try row.value("last_error"), createdAt: try row.time("created_at"),
                    nextAttemptAt: try row.time("next_attempt_at"), sentAt: try row.time("sent_at"),
                    message: try AlertOutbox.message(try row.value("message"), held: try row.value("held")))
            }
        }
    }

    public func alertCounts(_ states: [QueuedAlert.State]) async throws(StoreError) -> [QueuedAlert.State: Int] {
        try await pool.read { connection in
            var counts: [QueuedAlert.State: Int] = [:]
            for state in states {
                counts[state] =
                    try await connection.query("SELECT count(*) FROM alert_outbox WHERE state = \(state.rawValue)", logger: pool.logger)
                    .scalar(Int.self) ?? 0
            }
            return counts
        }
    }

    /// Claims the due messages for this collector until `time + claimTime`: messages it claimed
    /// earlier and has not recorded are due to it again at once, others' only when their claim ran
    /// out.
    public func dueAlerts(at time: Timestamp, limit: Int) async throws(StoreError) -> [DueAlert] {
        let now = time.microsecondsSinceEpoch
        let until = (time + claimTime).microsecondsSinceEpoch
        let claimant = self.claimant
        return try await pool.write { connection in
            try await connection.query(
                """
                UPDATE alert_outbox SET claimed_until = \(until), claimed_by = \(claimant)
                WHERE id IN (
                    SELECT id FROM alert_outbox
                    WHERE state = 'pending' AND next_attempt_at <= \(now)
                        AND (claimed_until IS NULL OR claimed_until <= \(now) OR claimed_by = \(claimant))
                    ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id, channel, attempts, key, kind, system_id, rule, message, held
                """, logger: pool.logger
            ).all { row in
                DueAlert(
                    id: try row.value("id"), channel: try row.value("channel"), attempts: try row.value("attempts"),
                    key: try row.value("key"),
                    kind: AlertMessage.Kind(rawValue: try row.value("kind")) ?? .alert, systemID: try row.value("system_id"),
                    rule: try row.value("rule"), text: try row.value("message"), heldText: try row.value("held"))
            }.sorted { $0.id < $1.id }
        }
    }

    public func renewClaim(alert id: Int64, at time: Timestamp) async throws(StoreError) -> Bool {
        let until = (time + claimTime).microsecondsSinceEpoch
        let claimant = self.claimant
        return try await pool.write { connection in
            try await connection.query(
                """
                UPDATE alert_outbox SET claimed_until = \(until)
                WHERE id = \(id) AND state = 'pending' AND claimed_by = \(claimant) RETURNING 1
                """, logger: pool.logger
            ).scalar(Int.self) != nil
        }
    }

    public func recordAlertOutcomes(_ outcomes: [(id: Int64, outcome: AlertOutcome)], at time: Timestamp) async throws(StoreError) {
        guard !outcomes.isEmpty else { return }
        try await pool.write { connection in
            for (id, outcome) in outcomes {
                let updated: Int?
                switch outcome {
                case .sent:
                    updated = try await connection.query(
                        """
                        UPDATE alert_outbox SET state = 'sent', sent_at = \(time.microsecondsSinceEpoch), attempts = attempts + 1,
                            last_error = NULL, claimed_until = NULL
                        WHERE id = \(id) RETURNING 1
                        """, logger: pool.logger
                    ).scalar(Int.self)
                case .failed(let error, let retryAt):
                    updated = try await connection.query(
                        """
                        UPDATE alert_outbox SET state = \(retryAt == nil ? "dead" : "pending"), attempts = attempts + 1,
                            last_error = \(error), next_attempt_at = coalesce(\(retryAt?.microsecondsSinceEpoch), next_attempt_at),
                            claimed_until = NULL
                        WHERE id = \(id) RETURNING 1
                        """, logger: pool.logger
                    ).scalar(Int.self)
                case .held(let window):
                    updated = try await connection.query(
                        """
                        UPDATE alert_outbox SET next_attempt_at = \(window.until.microsecondsSinceEpoch),
                            held = \(try AlertOutbox.json(window)), claimed_until = NULL
                        WHERE id = \(id) RETURNING 1
                        """, logger: pool.logger
                    ).scalar(Int.self)
                case .suppressed:
                    updated = try await connection.query(
                        "UPDATE alert_outbox SET state = 'suppressed', claimed_until = NULL WHERE id = \(id) RETURNING 1",
                        logger: pool.logger
                    ).scalar(Int.self)
                }
                guard updated != nil else { throw StoreError.notFound("queued alert \(id)") }
            }
        }
    }

    public func sentAlerts(channel: String, system: String?, rule: String?, since: Timestamp) async throws(StoreError) -> Int {
        try await pool.read { connection in
            try await connection.query(
                """
                SELECT count(*) FROM alert_outbox
                WHERE channel = \(channel) AND state = 'sent' AND sent_at >= \(since.microsecondsSinceEpoch) AND kind = 'alert'
                    AND (\(system)::text IS NULL OR system_id = \(system)) AND (\(rule)::text IS NULL OR rule = \(rule))
                """, logger: pool.logger
            ).scalar(Int.self) ?? 0
        }
    }

    public func alertDelivery(from: Timestamp, until: Timestamp) async throws(StoreError) -> AlertDeliverySummary {
        let start = from.microsecondsSinceEpoch
        let end = until.microsecondsSinceEpoch
        return try await pool.read { connection in
            var summary = AlertDeliverySummary()
            let sent = try await connection.query(
                """
                SELECT system_id, count(*) FROM alert_outbox WHERE state = 'sent' AND sent_at >= \(start) AND sent_at < \(end)
                GROUP BY system_id
                """, logger: pool.logger)
            for try await (system, count) in sent.decode((String, Int).self) {
                summary.sentBySystem[system] = count
                summary.sent += count
            }
            let dead = try await connection.query(
                """
                SELECT system_id, count(*) FROM alert_outbox WHERE state = 'dead' AND created_at >= \(start) AND created_at < \(end)
                GROUP BY system_id
                """, logger: pool.logger)
            for try await (system, count) in dead.decode((String, Int).self) { summary.deadBySystem[system] = count }
            return summary
        }
    }

    public func queueDigests(suppressedBefore before: Timestamp, windowMinutes: Int, at time: Timestamp) async throws(StoreError) -> Int {
        let cutoff = before.microsecondsSinceEpoch
        let groups: PostgresQuery = """
            SELECT channel, count(*), min(created_at), max(created_at), min(id), max(id), max(message)
            FROM alert_outbox WHERE state = 'suppressed'
            GROUP BY channel, system_id, rule HAVING min(created_at) < \(cutoff)
            """
        // Looked for without a lock first: under a flood of suppressed messages the grouping
        // reads every one, and most passes find no window ended.
        let due = try await pool.read { connection in try await connection.query(groups, logger: pool.logger).first { _ in true } ?? false }
        guard due else { return 0 }
        return try await pool.write { connection in
            guard try await tryLock(PostgresSweeps.digests, on: connection) else { return 0 }
            let found = try await connection.query(groups, logger: pool.logger).all { row in
                AlertSweeps.SuppressedGroup(
                    channel: try row.value(0), count: try row.value(1), since: Timestamp(microsecondsSinceEpoch: try row.value(2)),
                    until: Timestamp(microsecondsSinceEpoch: try row.value(3)), first: try row.value(4), last: try row.value(5),
                    sample: try row.value(6))
            }
            for group in found {
                let digest = try AlertSweeps.digest(of: group, windowMinutes: windowMinutes, at: time)
                try await insertAlerts([digest.entry], on: connection)
                try await connection.query(
                    """
                    UPDATE alert_outbox SET state = 'digested'
                    WHERE state = 'suppressed' AND channel = \(group.channel) AND system_id = \(digest.system) AND rule = \(digest.rule)
                        AND id BETWEEN \(group.first) AND \(group.last)
                    """, logger: pool.logger)
            }
            return found.count
        }
    }

    public func queueStaleHostAlerts(staleAfter: TimeSpan, at time: Timestamp) async throws(StoreError) -> Int {
        guard AlertSweeps.watchesStaleHosts(routing) else { return 0 }
        let cutoff = (time - staleAfter).microsecondsSinceEpoch
        return try await pool.write { connection in
            guard try await tryLock(PostgresSweeps.staleHosts, on: connection) else { return 0 }
            let silent = try await connection.query(
                """
                SELECT * FROM hosts WHERE status = 'active' AND coalesce(last_seen, enrolled_at) < \(cutoff)
                ORDER BY system_id, agent_id
                """, logger: pool.logger
            ).all(PostgresRows.host)
            guard !silent.isEmpty else { return 0 }
            let systems = Dictionary(
                try await connection.query("SELECT * FROM systems", logger: pool.logger).all(PostgresRows.system).map { ($0.id, $0) },
                uniquingKeysWith: { first, _ in first })
            var newlyStale = 0
            for (_, entries) in try AlertSweeps.staleHostAlerts(
                silent, systems: systems, routing: routing, staleAfter: staleAfter, at: time)
            where try await insertAlerts(entries, on: connection) > 0 {
                newlyStale += 1
            }
            return newlyStale
        }
    }

    public func retryAlerts(ids: [Int64], at time: Timestamp) async throws(StoreError) -> Int {
        try await pool.write { connection in
            try await connection.query(
                """
                WITH retried AS (
                    UPDATE alert_outbox SET state = 'pending', attempts = 0, next_attempt_at = \(time.microsecondsSinceEpoch),
                        claimed_until = NULL
                    WHERE state = 'dead' AND (cardinality(\(ids)::bigint[]) = 0 OR id = ANY(\(ids)))
                    RETURNING 1)
                SELECT count(*) FROM retried
                """, logger: pool.logger
            ).scalar(Int.self) ?? 0
        }
    }

    /// Takes an advisory lock until the transaction ends, or returns false when another
    /// collector holds it.
    func tryLock(_ lock: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_xact_lock(\(lock))", logger: pool.logger).scalar(Bool.self) == true
    }
}
