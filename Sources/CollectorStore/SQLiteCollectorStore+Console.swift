import Alerts
public import CanhModel
import Foundation
import GRDB

/// What the web console asks of the store beyond the API's queries: groups, counts, bulk
/// actions, notes and sessions.
extension SQLiteCollectorStore {
    public func notes(fingerprint: String) async throws(StoreError) -> [FindingNote] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT n.* FROM finding_notes n JOIN findings f ON f.id = n.finding WHERE \(Self.byFingerprint) ORDER BY n.id
                    """, arguments: [FindingKey.of(fingerprint), fingerprint]
            ).map { row in
                FindingNote(
                    fingerprint: fingerprint, at: Timestamp(microsecondsSinceEpoch: row["at"]), actor: row["actor"],
                    kind: FindingNote.Kind(rawValue: row["kind"]) ?? .comment, text: row["text"])
            }
        }
    }

    public func countFindings(_ filter: FindingFilter, upTo limit: Int) async throws(StoreError) -> Int {
        if let (clause, arguments) = Self.tallyClause(filter) {
            let statementArguments = StatementArguments(arguments)
            return try await read { db in
                try Int.fetchOne(
                    db, sql: "SELECT coalesce(sum(f.count), 0) FROM finding_tallies f \(clause)", arguments: statementArguments)
                    ?? 0
            }
        }
        let (clause, arguments) = Self.whereClause(filter)
        let bounded = limit < Int.max
        let sql =
            bounded
            ? "SELECT count(*) FROM (SELECT 1 FROM findings f \(clause) LIMIT ?)" : "SELECT count(*) FROM findings f \(clause)"
        let statementArguments = StatementArguments(bounded ? arguments + [limit] : arguments)
        return try await read { db in try Int.fetchOne(db, sql: sql, arguments: statementArguments) ?? 0 }
    }

    public func countsWhole(_ filter: FindingFilter) -> Bool { Self.tallyClause(filter) != nil }

    public func findingGroups(_ filter: FindingFilter, scanLimit: Int) async throws(StoreError) -> [FindingGroup] {
        // From the tallies when the filter is on their columns only; otherwise from the findings
        // the filter's own index narrows (a host, a day, one finding).
        let source: String
        var arguments: [(any DatabaseValueConvertible)?]
        if let (clause, tallyArguments) = Self.tallyClause(filter) {
            source = """
                SELECT f.rule, f.system_id, sum(f.count) AS total, max(f.severity) AS severity,
                    \(FindingStatus.allCases.map { "sum(f.count) FILTER (WHERE f.status = '\($0.rawValue)') AS \($0.rawValue)" }
                        .joined(separator: ", "))
                FROM finding_tallies f \(clause) \(clause.isEmpty ? "WHERE" : "AND") f.count > 0
                """
            arguments = tallyArguments
        } else {
            // The newest `scanLimit` findings the filter matches, walked by its index newest first.
            let (clause, findingArguments) = Self.whereClause(filter)
            source = """
                SELECT f.rule, f.system_id, count(*) AS total, max(f.severity) AS severity,
                    \(FindingStatus.allCases.map { "sum(f.status = '\($0.rawValue)') AS \($0.rawValue)" }.joined(separator: ", "))
                FROM (SELECT f.rule, f.system_id, f.severity, f.status FROM findings f \(clause)
                    ORDER BY f.last_seen DESC LIMIT ?) f
                """
            arguments = findingArguments + [scanLimit]
        }
        let sql = """
            SELECT g.*, t.title_vi, t.title_en FROM (
                \(source)
                GROUP BY f.rule, f.system_id
                ORDER BY severity DESC, total DESC, f.rule, f.system_id
                LIMIT ?
            ) g LEFT JOIN rule_titles t ON t.rule = g.rule
            ORDER BY g.severity DESC, g.total DESC, g.rule, g.system_id
            """
        let statementArguments = StatementArguments(arguments + [filter.limit])
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                var statuses: [FindingStatus: Int] = [:]
                for status in FindingStatus.allCases {
                    let count: Int = row[status.rawValue] ?? 0
                    if count > 0 { statuses[status] = count }
                }
                let rule: String = row["rule"]
                return FindingGroup(
                    rule: rule, system: row["system_id"], title: LocalizedText(vi: row["title_vi"] ?? rule, en: row["title_en"] ?? rule),
                    count: row["total"], highestSeverity: Severity(rank: row["severity"]) ?? .info, statuses: statuses)
            }
        }
    }

    /// The WHERE clause over `finding_tallies f` that counts what the filter matches, or nil
    /// when the filter asks about more than the tallies hold (host, time, text, one finding).
    /// The tallies' columns have the findings' names, so the findings' clause serves.
    static func tallyClause(_ filter: FindingFilter) -> (String, [(any DatabaseValueConvertible)?])? {
        guard filter.host == nil, filter.since == nil, filter.text == nil, filter.fingerprint == nil else { return nil }
        return whereClause(filter)
    }

    public func openFindingsBySeverity() async throws(StoreError) -> [Severity: Int] {
        let counts: [Int: Int] = try await openTallies(by: "severity")
        return Dictionary(uniqueKeysWithValues: counts.compactMap { key, count in Severity(rank: key).map { ($0, count) } })
    }

    public func openFindingsBySystem() async throws(StoreError) -> [String: Int] {
        try await openTallies(by: "system_id")
    }

    /// Open findings summed by one column of the tallies.
    private func openTallies<Key: DatabaseValueConvertible & Hashable & Sendable>(by column: String) async throws(StoreError) -> [Key: Int]
    {
        try await read { db in
            var counts: [Key: Int] = [:]
            let sql = "SELECT \(column) AS key, sum(count) AS n FROM finding_tallies WHERE status = 'open' GROUP BY \(column)"
            for row in try Row.fetchAll(db, sql: sql) { counts[row["key"]] = row["n"] }
            return counts
        }
    }

    public func changeFindings(_ filter: FindingFilter, expected: Int, action: BulkFindingAction, actor: String, at time: Timestamp)
        async throws(StoreError) -> BulkChangeSummary
    {
        if case .status(let status, let reason, let until) = action {
            try FindingWorkflow.validateRequest(
                FindingChange(fingerprint: "", status: status, reason: reason, until: until, actor: actor, at: time))
        }
        let (clause, arguments) = Self.whereClause(filter)
        let statementArguments = StatementArguments(arguments)
        let routing = self.routing
        return try await write { db in
            if case .assign(let name?) = action,
                try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == nil
            {
                throw StoreError.notFound("user \(name)")
            }
            let rows = try Row.fetchAll(db, sql: "SELECT \(Self.findingColumns) \(clause) ORDER BY f.id", arguments: statementArguments)
            guard rows.count == expected else {
                throw StoreError.conflict(
                    "the filter now matches \(rows.count) findings, not the \(expected) confirmed; look at them again before changing them")
            }
            var summary = BulkChangeSummary(matched: rows.count, changed: 0, skipped: [:])
            var systems = SystemRows(routing: routing)
            let audit = try db.cachedStatement(sql: "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")
            let note = try db.cachedStatement(
                sql: "INSERT INTO finding_notes (finding, at, actor, kind, text) VALUES (?, ?, ?, ?, ?)")
            for row in rows {
                let previous = Self.finding(row)
                let id = Self.findingID(row)
                switch action {
                case .status(let status, let reason, let until):
                    if let refusal = FindingWorkflow.refusal(of: status, from: previous.status) {
                        summary.skipped[refusal, default: 0] += 1
                        continue
                    }
                    let system = try systems.system(previous.system, in: db)
                    let (state, transition, alerts) = try FindingWorkflow.apply(
                        status, reason: reason, until: until, actor: actor, at: time, to: previous, system: system, routing: routing)
                    try Self.update(state, id: id, in: db)
                    try Self.save(transition, finding: id, in: db)
                    for entry in alerts { try Self.insert(entry, in: db) }
                    try audit.execute(
                        arguments: [time.microsecondsSinceEpoch, actor, FindingWorkflow.auditAction(status), state.fingerprint, reason])
                case .assign(let name):
                    guard previous.assignee != name else {
                        summary.skipped["already assigned so", default: 0] += 1
                        continue
                    }
                    try db.cachedStatement(sql: "UPDATE findings SET assignee = ? WHERE id = ?").execute(arguments: [name, id])
                    try note.execute(arguments: [id, time.microsecondsSinceEpoch, actor, FindingNote.Kind.assignment.rawValue, name ?? ""])
                    try audit.execute(arguments: [time.microsecondsSinceEpoch, actor, "finding.assign", previous.fingerprint, name ?? ""])
                case .comment(let text):
                    try note.execute(arguments: [id, time.microsecondsSinceEpoch, actor, FindingNote.Kind.comment.rawValue, text])
                    try audit.execute(arguments: [time.microsecondsSinceEpoch, actor, "finding.comment", previous.fingerprint, text])
                }
                summary.changed += 1
            }
            return summary
        }
    }

    // MARK: Console sessions

    public func addConsoleSession(_ session: ConsoleSession, idHash: String) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [session.user]) != nil else {
                throw StoreError.notFound("user \(session.user)")
            }
            // Sessions that ended over a day ago are of no more use to anyone.
            try db.execute(
                sql: "DELETE FROM console_sessions WHERE revoked_at < ? OR last_seen < ?",
                arguments: [
                    (session.createdAt - .days(1)).microsecondsSinceEpoch, (session.createdAt - .days(2)).microsecondsSinceEpoch,
                ])
            try db.execute(
                sql: "INSERT INTO console_sessions (id_sha256, user_name, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    idHash, session.user, session.csrfToken, session.createdAt.microsecondsSinceEpoch,
                    session.lastSeen.microsecondsSinceEpoch,
                ])
        }
    }

    public func consoleSession(idHash: String) async throws(StoreError) -> (session: ConsoleSession, user: User)? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.csrf, s.created_at AS session_created, s.last_seen, s.revoked_at, u.*
                        FROM console_sessions s JOIN users u ON u.name = s.user_name WHERE s.id_sha256 = ?
                        """, arguments: [idHash])
            else { return nil }
            let session = ConsoleSession(
                user: row["name"], csrfToken: row["csrf"], createdAt: Timestamp(microsecondsSinceEpoch: row["session_created"]),
                lastSeen: Timestamp(microsecondsSinceEpoch: row["last_seen"]),
                revokedAt: (row["revoked_at"] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)))
            return (session, Self.user(row))
        }
    }

    public func touchConsoleSession(idHash: String, at time: Timestamp) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE console_sessions SET last_seen = max(last_seen, ?) WHERE id_sha256 = ?",
                arguments: [time.microsecondsSinceEpoch, idHash])
        }
    }

    public func revokeConsoleSessions(idHash: String?, user: String?, at time: Timestamp) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE console_sessions SET revoked_at = ?
                    WHERE revoked_at IS NULL AND (id_sha256 = ? OR user_name = ?)
                    """, arguments: [time.microsecondsSinceEpoch, idHash, user])
            return db.changesCount
        }
    }
}

/// Systems a bulk change's messages name, each read once, and none when no alert is routed.
private struct SystemRows {
    let routing: AlertRouting
    private var read: [String: InformationSystem?] = [:]

    init(routing: AlertRouting) { self.routing = routing }

    mutating func system(_ id: String, in db: Database) throws -> InformationSystem? {
        guard AlertOutbox.routes(routing) else { return nil }
        if let system = read[id] { return system }
        let system = try SQLiteCollectorStore.systemRow(id, in: db)
        read[id] = system
        return system
    }
}
