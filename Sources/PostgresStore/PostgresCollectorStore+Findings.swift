public import CanhModel
public import CollectorStore
import Foundation
import NIOCore
import PostgresNIO

/// Ingest and the findings' queries and changes.
extension PostgresCollectorStore {
    /// One transaction per batch. The host's row is locked first, so that the batches of one
    /// host, sent to whichever collector, are folded one after the other; a batch sent again to
    /// the other collector while the first still commits waits for it, then finds its records
    /// stored.
    public func ingest(_ records: [FindingRecord], certificates: [CertificateRecord], from host: EnrolledHost, at time: Timestamp)
        async throws(StoreError) -> IngestSummary
    {
        let prepared = records.map(IngestRecord.init)
        return try await pool.write { connection in
            guard
                let hostID = try await connection.query(
                    "SELECT id FROM hosts WHERE agent_id = \(host.agentID) FOR NO KEY UPDATE", logger: pool.logger
                ).scalar(Int64.self)
            else { throw StoreError.notFound("host \(host.agentID)") }
            let fresh = try await storeRecordIDs(prepared, hostID: hostID, on: connection)
            var prior: [String: IngestPlan.Stored] = [:]
            if !fresh.isEmpty {
                let fingerprints = Array(Set(fresh.map(\.record.fingerprint)))
                let rows = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT \(PostgresRows.findingColumns) WHERE f.host_id = $1 AND f.fingerprint = ANY($2) FOR UPDATE OF f
                            """,
                        binds: try Self.bindings(hostID, fingerprints)), logger: pool.logger)
                for try await row in rows {
                    let row = row.makeRandomAccess()
                    let state = try PostgresRows.finding(row)
                    prior[state.fingerprint] = (state, try PostgresRows.findingID(row))
                }
            }
            let system = try await AlertOutbox.routes(routing) ? systemRow(host.system, on: connection) : nil
            let plan = try IngestPlan(fresh, prior: prior, host: host, system: system, routing: routing, ruleTitles: ruleTitles, at: time)
            var ids = plan.findings.map(\.id)
            try await insertFindings(plan, hostID: hostID, ids: &ids, on: connection)
            try await updateFindings(plan, on: connection)
            try await insertTransitions(
                try plan.transitions.map { index, transition in
                    guard let id = ids[index] else { throw StoreError.database("no row for \(transition.fingerprint)") }
                    return (id, transition)
                }, on: connection)
            try await insertAlerts(plan.alerts, on: connection)
            try await addTallies(plan.newTallies, shard: hostID % Self.tallyShards, on: connection)
            for certificate in certificates { try await save(certificate, system: host.system, on: connection) }
            try await connection.query(
                """
                WITH seen AS (UPDATE hosts SET last_seen = \(time.microsecondsSinceEpoch) WHERE id = \(hostID))
                INSERT INTO host_days (host, day) VALUES (\(hostID), \(EnrollmentDecision.vietnamDay(time))) ON CONFLICT DO NOTHING
                """, logger: pool.logger)
            return IngestSummary(accepted: fresh.count, duplicates: prepared.count - fresh.count)
        }
    }

    /// Stores the records' ids and returns the records not stored before, in the batch's order
    /// (a record twice in one batch counts once).
    private func storeRecordIDs(_ records: [IngestRecord], hostID: Int64, on connection: PostgresConnection) async throws
        -> [IngestRecord]
    {
        guard !records.isEmpty else { return [] }
        var stored: Set<Data> = []
        let keys = records.map { ByteBuffer(bytes: $0.idKey) }
        let rows = try await connection.query(
            "INSERT INTO records (host, id) SELECT \(hostID), unnest(\(keys)::bytea[]) ON CONFLICT DO NOTHING RETURNING id",
            logger: pool.logger)
        for try await key in rows.decode(ByteBuffer.self) { stored.insert(Data(key.readableBytesView)) }
        return records.filter { stored.remove($0.idKey) != nil }
    }

    /// Inserts the plan's new findings and sets their rows in `ids` (by index in the plan).
    private func insertFindings(_ plan: IngestPlan, hostID: Int64, ids: inout [Int64?], on connection: PostgresConnection) async throws {
        let new = plan.findings.indices.filter { plan.findings[$0].id == nil }
        for chunk in new.chunked(1000) {
            var sql = SQLBuilder(
                text: """
                    INSERT INTO findings (fingerprint, rule, entity, host, host_id, system_id, severity, status, outcome, count,
                        first_seen, last_seen, requirements, evidence, reason, excepted_until) VALUES
                    """)
            sql.text += chunk.map { index in
                let state = plan.findings[index].state
                return "("
                    + [
                        sql.bind(state.fingerprint), sql.bind(state.rule), sql.bind(state.entity), sql.bind(state.host), sql.bind(hostID),
                        sql.bind(state.system), sql.bind(state.severity.rank), sql.bind(state.status.rawValue),
                        sql.bind(state.outcome.rawValue), sql.bind(state.count), sql.bind(state.firstSeen.microsecondsSinceEpoch),
                        sql.bind(state.lastSeen.microsecondsSinceEpoch), sql.bind(state.requirements.joined(separator: ",")),
                        sql.bind(state.evidence), sql.bind(state.reason), sql.bind(state.exceptedUntil?.microsecondsSinceEpoch),
                    ].joined(separator: ", ") + ")"
            }.joined(separator: ", ")
            sql.text += " RETURNING id"
            // Rows come back in the order of VALUES (an INSERT's RETURNING follows its input).
            var returned: [Int64] = []
            for try await id in try await connection.query(sql.query, logger: pool.logger).decode(Int64.self) { returned.append(id) }
            guard returned.count == chunk.count else { throw StoreError.database("\(returned.count) rows for \(chunk.count) new findings") }
            for (index, id) in zip(chunk, returned) { ids[index] = id }
        }
    }

    private func updateFindings(_ plan: IngestPlan, on connection: PostgresConnection) async throws {
        // In the order of their ids, so that two transactions lock rows (and tallies) alike.
        let sorted = plan.findings.compactMap { finding in finding.id.map { ($0, finding.state) } }.sorted { $0.0 < $1.0 }
        for chunk in sorted.chunked(1000) {
            var sql = SQLBuilder(
                text: """
                    UPDATE findings f SET severity = v.severity, status = v.status, outcome = v.outcome, count = v.count,
                        first_seen = v.first_seen, last_seen = v.last_seen, requirements = v.requirements, evidence = v.evidence,
                        reason = v.reason, excepted_until = v.excepted_until
                    FROM (VALUES
                    """)
            sql.text += chunk.map { id, state in
                "("
                    + [
                        sql.bind(id) + "::bigint", sql.bind(state.severity.rank) + "::integer", sql.bind(state.status.rawValue) + "::text",
                        sql.bind(state.outcome.rawValue) + "::text", sql.bind(state.count) + "::bigint",
                        sql.bind(state.firstSeen.microsecondsSinceEpoch) + "::bigint",
                        sql.bind(state.lastSeen.microsecondsSinceEpoch) + "::bigint",
                        sql.bind(state.requirements.joined(separator: ",")) + "::text", sql.bind(state.evidence) + "::text",
                        sql.bind(state.reason) + "::text", sql.bind(state.exceptedUntil?.microsecondsSinceEpoch) + "::bigint",
                    ].joined(separator: ", ") + ")"
            }.joined(separator: ", ")
            sql.text += """
                ) AS v(id, severity, status, outcome, count, first_seen, last_seen, requirements, evidence, reason, excepted_until)
                WHERE f.id = v.id
                """
            try await connection.query(sql.query, logger: pool.logger)
        }
    }

    func insertTransitions(_ transitions: [(finding: Int64, transition: FindingTransition)], on connection: PostgresConnection)
        async throws
    {
        for chunk in transitions.chunked(1000) {
            var sql = SQLBuilder(text: "INSERT INTO finding_transitions (finding, at, from_status, to_status, actor, reason) VALUES ")
            sql.text += chunk.map { id, transition in
                "("
                    + [
                        sql.bind(id), sql.bind(transition.at.microsecondsSinceEpoch), sql.bind(transition.from?.rawValue),
                        sql.bind(transition.to.rawValue), sql.bind(transition.actor), sql.bind(transition.reason),
                    ].joined(separator: ", ") + ")"
            }.joined(separator: ", ")
            try await connection.query(sql.query, logger: pool.logger)
        }
    }

    /// How many shards each tally is split over (`finding_tallies.shard`, the host's id modulo it).
    static let tallyShards: Int64 = 16

    private func addTallies(_ tallies: [FindingTally: Int], shard: Int64, on connection: PostgresConnection) async throws {
        guard !tallies.isEmpty else { return }
        let sorted = tallies.sorted {
            ($0.key.system, $0.key.rule, $0.key.status.rawValue, $0.key.severity.rank)
                < ($1.key.system, $1.key.rule, $1.key.status.rawValue, $1.key.severity.rank)
        }
        var sql = SQLBuilder(text: "INSERT INTO finding_tallies (system_id, rule, status, severity, shard, count) VALUES ")
        sql.text += sorted.map { key, count in
            let values = [
                sql.bind(key.system), sql.bind(key.rule), sql.bind(key.status.rawValue), sql.bind(key.severity.rank), sql.bind(shard),
                sql.bind(count),
            ]
            return "(" + values.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
        sql.text += " ON CONFLICT (system_id, rule, status, severity, shard) DO UPDATE SET count = finding_tallies.count + excluded.count"
        try await connection.query(sql.query, logger: pool.logger)
    }

    /// The facts come from the certificate's DER, so whoever sends it writes the same facts.
    private func save(_ certificate: CertificateRecord, system: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO certificates (fingerprint, subject, issuer, names, not_before, not_after, key, signature)
            VALUES (\(certificate.fingerprint), \(certificate.subject), \(certificate.issuer), \(certificate.names.joined(separator: ",")),
                \(certificate.notBefore.microsecondsSinceEpoch), \(certificate.notAfter.microsecondsSinceEpoch), \(certificate.key),
                \(certificate.signature))
            ON CONFLICT (fingerprint) DO UPDATE SET subject = excluded.subject, issuer = excluded.issuer, names = excluded.names,
                not_before = excluded.not_before, not_after = excluded.not_after, key = excluded.key, signature = excluded.signature
            """, logger: pool.logger)
        for place in certificate.places {
            try await connection.query(
                """
                INSERT INTO certificate_places (fingerprint, host, system_id, place, first_seen, last_seen)
                VALUES (\(certificate.fingerprint), \(place.host), \(system), \(place.place), \(place.firstSeen.microsecondsSinceEpoch),
                    \(place.lastSeen.microsecondsSinceEpoch))
                ON CONFLICT (fingerprint, host, place) DO UPDATE SET
                    first_seen = least(certificate_places.first_seen, excluded.first_seen),
                    last_seen = greatest(certificate_places.last_seen, excluded.last_seen)
                """, logger: pool.logger)
        }
    }

    // MARK: Queries

    /// The WHERE clause of a filter over `findings f` (or the tallies, whose columns have the
    /// same names), only the conditions asked for, so that the planner can walk one index.
    static func whereClause(_ filter: FindingFilter, into sql: inout SQLBuilder) {
        var conditions: [String] = []
        if let system = filter.system { conditions.append("f.system_id = \(sql.bind(system))") }
        if let host = filter.host { conditions.append("f.host = \(sql.bind(host))") }
        if let rule = filter.rule { conditions.append("f.rule = \(sql.bind(rule))") }
        if let severity = filter.minimumSeverity { conditions.append("f.severity >= \(sql.bind(severity.rank))") }
        if let status = filter.status { conditions.append("f.status = \(sql.bind(status.rawValue))") }
        if let since = filter.since { conditions.append("f.last_seen >= \(sql.bind(since.microsecondsSinceEpoch))") }
        if let fingerprint = filter.fingerprint { conditions.append(byFingerprint(sql.bind(fingerprint))) }
        if let text = filter.text {
            // ILIKE is case-insensitive; the trigram index answers it.
            let pattern =
                "%"
                + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("f.entity ILIKE \(sql.bind(pattern)) ESCAPE '\\'")
        }
        sql.text += conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    /// `f` is the finding with this fingerprint: a name is held by one host at a time; when a
    /// replaced host kept findings with the same fingerprint as history, the newest host's is meant.
    static func byFingerprint(_ placeholder: String) -> String {
        "f.id = (SELECT id FROM findings WHERE fingerprint = \(placeholder) ORDER BY host_id DESC LIMIT 1)"
    }

    public func findings(_ filter: FindingFilter) async throws(StoreError) -> [FindingState] {
        var sql = SQLBuilder(text: "SELECT \(PostgresRows.findingColumns)")
        Self.whereClause(filter, into: &sql)
        sql.text += " ORDER BY f.last_seen DESC, f.id DESC LIMIT \(sql.bind(filter.limit))"
        let query = sql.query
        return try await pool.read { connection in try await connection.query(query, logger: pool.logger).all(PostgresRows.finding) }
    }

    public func finding(fingerprint: String) async throws(StoreError) -> FindingState? {
        try await pool.read { connection in try await findingRow(fingerprint, lock: false, on: connection)?.state }
    }

    func findingRow(_ fingerprint: String, lock: Bool, on connection: PostgresConnection) async throws -> (id: Int64, state: FindingState)?
    {
        var sql = SQLBuilder(text: "SELECT \(PostgresRows.findingColumns) WHERE ")
        sql.text += Self.byFingerprint(sql.bind(fingerprint)) + (lock ? " FOR UPDATE OF f" : "")
        return try await connection.query(sql.query, logger: pool.logger).first { row in
            (try PostgresRows.findingID(row), try PostgresRows.finding(row))
        }
    }

    public func changeFinding(_ change: FindingChange) async throws(StoreError) -> FindingState {
        try await pool.write { connection in
            guard let (id, previous) = try await findingRow(change.fingerprint, lock: true, on: connection) else {
                throw StoreError.notFound("finding \(change.fingerprint)")
            }
            try FindingWorkflow.validate(change, current: previous)
            let system = try await AlertOutbox.routes(routing) ? systemRow(previous.system, on: connection) : nil
            let (state, transition, alerts) = try FindingWorkflow.apply(
                change.status, reason: change.reason, until: change.until, actor: change.actor, at: change.at, to: previous,
                system: system, routing: routing)
            try await setStatus(state, id: id, on: connection)
            try await insertTransitions([(id, transition)], on: connection)
            try await insertAlerts(alerts, on: connection)
            return state
        }
    }

    /// What a person's change writes: status, reason and the exception's end.
    func setStatus(_ state: FindingState, id: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE findings SET status = \(state.status.rawValue), reason = \(state.reason),
                excepted_until = \(state.exceptedUntil?.microsecondsSinceEpoch)
            WHERE id = \(id)
            """, logger: pool.logger)
    }

    /// The rows of a finding's history table (`finding_transitions`, `finding_notes`), oldest first.
    static func history(_ table: String, fingerprint: String) -> PostgresQuery {
        var sql = SQLBuilder(text: "SELECT h.* FROM \(table) h JOIN findings f ON f.id = h.finding WHERE ")
        sql.text += byFingerprint(sql.bind(fingerprint)) + " ORDER BY h.id"
        return sql.query
    }

    public func transitions(fingerprint: String) async throws(StoreError) -> [FindingTransition] {
        let query = Self.history("finding_transitions", fingerprint: fingerprint)
        return try await pool.read { connection in
            try await connection.query(query, logger: pool.logger).all { row in
                FindingTransition(
                    fingerprint: fingerprint, at: try row.time("at"),
                    from: try row.value("from_status", String?.self).flatMap(FindingStatus.init(rawValue:)),
                    to: FindingStatus(rawValue: try row.value("to_status")) ?? .open, actor: try row.value("actor"),
                    reason: try row.value("reason"))
            }
        }
    }

    public func notes(fingerprint: String) async throws(StoreError) -> [FindingNote] {
        let query = Self.history("finding_notes", fingerprint: fingerprint)
        return try await pool.read { connection in
            try await connection.query(query, logger: pool.logger).all { row in
                FindingNote(
                    fingerprint: fingerprint, at: try row.time("at"), actor: try row.value("actor"),
                    kind: FindingNote.Kind(rawValue: try row.value("kind")) ?? .comment, text: try row.value("text"))
            }
        }
    }
}

extension PostgresCollectorStore {
    static func bindings(_ hostID: Int64, _ fingerprints: [String]) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(hostID)
        binds.append(fingerprints)
        return binds
    }
}
