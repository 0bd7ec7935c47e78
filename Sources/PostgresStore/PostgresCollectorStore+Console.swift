public import CanhModel
public import CollectorStore
import PostgresNIO

/// What the web console asks beyond the API's queries: groups, counts, bulk actions, sessions.
extension PostgresCollectorStore {
    /// Whether the filter is on the tallies' columns only (system, rule, severity, status).
    static func countsFromTallies(_ filter: FindingFilter) -> Bool {
        filter.host == nil && filter.since == nil && filter.text == nil && filter.fingerprint == nil
    }

    public func countsWhole(_ filter: FindingFilter) -> Bool { Self.countsFromTallies(filter) }

    public func countFindings(_ filter: FindingFilter, upTo limit: Int) async throws(StoreError) -> Int {
        var sql = SQLBuilder()
        if Self.countsFromTallies(filter) {
            sql.text = "SELECT coalesce(sum(f.count), 0)::bigint FROM finding_tallies f"
            Self.whereClause(filter, into: &sql)
        } else {
            sql.text = "SELECT count(*) FROM (SELECT 1 FROM findings f"
            Self.whereClause(filter, into: &sql)
            sql.text += limit < Int.max ? " LIMIT \(sql.bind(limit))) matched" : ") matched"
        }
        let query = sql.query
        return try await pool.read { connection in try await connection.query(query, logger: pool.logger).scalar(Int.self) ?? 0 }
    }

    public func findingGroups(_ filter: FindingFilter, scanLimit: Int) async throws(StoreError) -> [FindingGroup] {
        var sql = SQLBuilder()
        let statuses = FindingStatus.allCases.map(\.rawValue)
        if Self.countsFromTallies(filter) {
            sql.text = """
                SELECT f.rule, f.system_id, sum(f.count)::bigint AS total, max(f.severity) AS severity,
                    \(statuses.map { "coalesce(sum(f.count) FILTER (WHERE f.status = '\($0)'), 0)::bigint AS \($0)" }.joined(separator: ", "))
                FROM finding_tallies f
                """
            Self.whereClause(filter, into: &sql)
        } else {
            // The newest `scanLimit` findings the filter matches.
            sql.text = "SELECT f.rule, f.system_id, count(*)::bigint AS total, max(f.severity) AS severity, "
            sql.text += statuses.map { "count(*) FILTER (WHERE f.status = '\($0)')::bigint AS \($0)" }.joined(separator: ", ")
            sql.text += " FROM (SELECT f.rule, f.system_id, f.severity, f.status FROM findings f"
            Self.whereClause(filter, into: &sql)
            sql.text += " ORDER BY f.last_seen DESC LIMIT \(sql.bind(scanLimit))) f"
        }
        sql.text = """
            SELECT g.*, t.title_vi, t.title_en FROM (
                \(sql.text)
                GROUP BY f.rule, f.system_id
                \(Self.countsFromTallies(filter) ? "HAVING sum(f.count) > 0" : "")
                ORDER BY severity DESC, total DESC, f.rule, f.system_id
                LIMIT \(sql.bind(filter.limit))
            ) g LEFT JOIN rule_titles t ON t.rule = g.rule
            ORDER BY g.severity DESC, g.total DESC, g.rule, g.system_id
            """
        let query = sql.query
        return try await pool.read { connection in
            try await connection.query(query, logger: pool.logger).all { row in
                var counts: [FindingStatus: Int] = [:]
                for status in FindingStatus.allCases {
                    let count = try row.value(status.rawValue, Int.self)
                    if count > 0 { counts[status] = count }
                }
                let rule: String = try row.value("rule")
                return FindingGroup(
                    rule: rule, system: try row.value("system_id"),
                    title: LocalizedText(
                        vi: try row.value("title_vi", String?.self) ?? rule, en: try row.value("title_en", String?.self) ?? rule),
                    count: try row.value("total"), highestSeverity: Severity(rank: try row.value("severity", Int.self)) ?? .info,
                    statuses: counts)
            }
        }
    }

    public func openFindingsBySeverity() async throws(StoreError) -> [Severity: Int] {
        let counts = try await pool.read { connection in
            try await connection.query(
                "SELECT severity, sum(count)::bigint FROM finding_tallies WHERE status = 'open' GROUP BY severity", logger: pool.logger
            ).all { row in (try row.value(0, Int.self), try row.value(1, Int.self)) }
        }
        return Dictionary(uniqueKeysWithValues: counts.compactMap { rank, count in Severity(rank: rank).map { ($0, count) } })
    }

    public func openFindingsBySystem() async throws(StoreError) -> [String: Int] {
        let counts = try await pool.read { connection in
            try await connection.query(
                "SELECT system_id, sum(count)::bigint FROM finding_tallies WHERE status = 'open' GROUP BY system_id", logger: pool.logger
            ).all { row in (try row.value(0, String.self), try row.value(1, Int.self)) }
        }
        return Dictionary(counts, uniquingKeysWith: +)
    }

    public func changeFindings(_ filter: FindingFilter, expected: Int, action: BulkFindingAction, actor: String, at time: Timestamp)
        async throws(StoreError) -> BulkChangeSummary
    {
        if case .status(let status, let reason, let until) = action {
            try FindingWorkflow.validateRequest(
                FindingChange(fingerprint: "", status: status, reason: reason, until: until, actor: actor, at: time))
        }
        var sql = SQLBuilder(text: "SELECT \(PostgresRows.findingColumns)")
        Self.whereClause(filter, into: &sql)
        sql.text += " ORDER BY f.id FOR UPDATE OF f"
        let query = sql.query
        return try await pool.write { connection in
            if case .assign(let name?) = action,
                try await connection.query("SELECT 1 FROM users WHERE name = \(name)", logger: pool.logger).scalar(Int.self) == nil
            {
                throw StoreError.notFound("user \(name)")
            }
            let rows = try await connection.query(query, logger: pool.logger).all { row in
                (try PostgresRows.findingID(row), try PostgresRows.finding(row))
            }
            guard rows.count == expected else {
                throw StoreError.conflict(
                    "the filter now matches \(rows.count) findings, not the \(expected) confirmed; look at them again before changing them")
            }
            var summary = BulkChangeSummary(matched: rows.count, changed: 0, skipped: [:])
            var systems: [String: InformationSystem?] = [:]
            for (id, previous) in rows {
                switch action {
                case .status(let status, let reason, let until):
                    if let refusal = FindingWorkflow.refusal(of: status, from: previous.status) {
                        summary.skipped[refusal, default: 0] += 1
                        continue
                    }
                    if AlertOutbox.routes(routing), systems[previous.system] == nil {
                        systems[previous.system] = .some(try await systemRow(previous.system, on: connection))
                    }
                    let (state, transition, alerts) = try FindingWorkflow.apply(
                        status, reason: reason, until: until, actor: actor, at: time, to: previous, system: systems[previous.system] ?? nil,
                        routing: routing)
                    try await setStatus(state, id: id, on: connection)
                    try await insertTransitions([(id, transition)], on: connection)
                    try await insertAlerts(alerts, on: connection)
                    try await audit(
                        AuditEntry(
                            at: time, actor: actor, action: FindingWorkflow.auditAction(status), target: state.fingerprint, detail: reason),
                        on: connection)
                case .assign(let name):
                    guard previous.assignee != name else {
                        summary.skipped["already assigned so", default: 0] += 1
                        continue
                    }
                    try await connection.query("UPDATE findings SET assignee = \(name) WHERE id = \(id)", logger: pool.logger)
                    try await note(id, at: time, actor: actor, kind: .assignment, text: name ?? "", on: connection)
                    try await audit(
                        AuditEntry(at: time, actor: actor, action: "finding.assign", target: previous.fingerprint, detail: name ?? ""),
                        on: connection)
                case .comment(let text):
                    try await note(id, at: time, actor: actor, kind: .comment, text: text, on: connection)
                    try await audit(
                        AuditEntry(at: time, actor: actor, action: "finding.comment", target: previous.fingerprint, detail: text),
                        on: connection)
                }
                summary.changed += 1
            }
            return summary
        }
    }

    private func note(
        _ finding: Int64, at time: Timestamp, actor: String, kind: FindingNote.Kind, text: String, on connection: PostgresConnection
    )
        async throws
    {
        try await connection.query(
            """
            INSERT INTO finding_notes (finding, at, actor, kind, text)
            VALUES (\(finding), \(time.microsecondsSinceEpoch), \(actor), \(kind.rawValue), \(text))
            """, logger: pool.logger)
    }

    // MARK: Console sessions

    public func addConsoleSession(_ session: ConsoleSession, idHash: String) async throws(StoreError) {
        try await pool.write { connection in
            guard
                try await connection.query("SELECT 1 FROM users WHERE name = \(session.user)", logger: pool.logger).scalar(Int.self) != nil
            else { throw StoreError.notFound("user \(session.user)") }
            // Sessions that ended over a day ago are of no more use to anyone.
            try await connection.query(
                """
                DELETE FROM console_sessions
                WHERE revoked_at < \((session.createdAt - .days(1)).microsecondsSinceEpoch)
                    OR last_seen < \((session.createdAt - .days(2)).microsecondsSinceEpoch)
                """, logger: pool.logger)
            try await connection.query(
                """
                INSERT INTO console_sessions (id_sha256, user_name, csrf, created_at, last_seen)
                VALUES (\(idHash), \(session.user), \(session.csrfToken), \(session.createdAt.microsecondsSinceEpoch),
                    \(session.lastSeen.microsecondsSinceEpoch))
                """, logger: pool.logger)
        }
    }

    public func consoleSession(idHash: String) async throws(StoreError) -> (session: ConsoleSession, user: User)? {
        try await pool.read { connection in
            try await connection.query(
                """
                SELECT s.csrf, s.created_at AS session_created, s.last_seen, s.revoked_at, u.name, u.role, u.created_at
                FROM console_sessions s JOIN users u ON u.name = s.user_name WHERE s.id_sha256 = \(idHash)
                """, logger: pool.logger
            ).first { row in
                let session = ConsoleSession(
                    user: try row.value("name"), csrfToken: try row.value("csrf"), createdAt: try row.time("session_created"),
                    lastSeen: try row.time("last_seen"), revokedAt: try row.time("revoked_at"))
                return (session, try PostgresRows.user(row))
            }
        }
    }

    public func touchConsoleSession(idHash: String, at time: Timestamp) async throws(StoreError) {
        try await pool.write { connection in
            try await connection.query(
                """
                UPDATE console_sessions SET last_seen = greatest(last_seen, \(time.microsecondsSinceEpoch)) WHERE id_sha256 = \(idHash)
                """, logger: pool.logger)
        }
    }

    public func revokeConsoleSessions(idHash: String?, user: String?, at time: Timestamp) async throws(StoreError) -> Int {
        try await pool.write { connection in
            try await connection.query(
                """
                WITH revoked AS (
                    UPDATE console_sessions SET revoked_at = \(time.microsecondsSinceEpoch)
                    WHERE revoked_at IS NULL AND (id_sha256 = \(idHash) OR user_name = \(user))
                    RETURNING 1)
                SELECT count(*) FROM revoked
                """, logger: pool.logger
            ).scalar(Int.self) ?? 0
        }
    }
}
