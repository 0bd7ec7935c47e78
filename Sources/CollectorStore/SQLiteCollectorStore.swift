public import Alerts
public import CanhModel
import Foundation
import GRDB

/// The collector's store in one SQLite file (WAL: queries read while batches are written).
public final class SQLiteCollectorStore: CollectorStore {
    private let pool: DatabasePool
    private let committer: IngestCommitter
    let routing: AlertRouting

    /// Opens (creating if needed) the database at `path` and brings it to the newest schema.
    /// - Parameters:
    ///   - alertRouting: which finding changes queue alerts for which channels.
    ///   - ruleTitles: the titles of the rule pack the collector serves, by rule id. Findings and
    ///     alerts show these, never a title an agent sent: any agent could otherwise rename a rule
    ///     for everyone. Rules the pack does not know are shown by their id.
    public init(path: String, alertRouting: AlertRouting = AlertRouting(rules: []), ruleTitles: [String: LocalizedText] = [:])
        throws(StoreError)
    {
        routing = alertRouting
        if let problem = PrivateFiles.restrictDatabase(at: path) { throw .database(problem) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Benchmarked in docs/benchmarks.md: a larger page cache keeps the indexes' inner pages
            // in memory; checkpoints every ~16 MiB of WAL instead of 4 MiB.
            try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4000")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
            if !ruleTitles.isEmpty { try Self.replaceRuleTitles(ruleTitles, in: pool) }
            committer = IngestCommitter(pool: pool, routing: alertRouting, ruleTitles: ruleTitles)
        } catch {
            throw .database("\(path): \(error)")
        }
    }

    /// The titles findings are shown with: the served rule pack's, replacing whatever was there.
    private static func replaceRuleTitles(_ titles: [String: LocalizedText], in pool: DatabasePool) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM rule_titles")
            let insert = try db.makeStatement(sql: "INSERT INTO rule_titles (rule, title_vi, title_en) VALUES (?, ?, ?)")
            for (rule, title) in titles { try insert.execute(arguments: [rule, title.vi, title.en]) }
        }
    }

    public func ping() async throws(StoreError) {
        try await read { db in _ = try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// A full ANALYZE (about 2 s per million findings, during which batches wait): a sampled one
    /// (`analysis_limit`) caps every estimate at the sample and cannot tell a rule from a status.
    public func refreshStatistics() async throws(StoreError) {
        try await write { db in try db.execute(sql: "ANALYZE") }
    }

    // MARK: Inventory

    public func addSystem(_ system: InformationSystem) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [system.id]) == nil else {
                throw StoreError.conflict("system \(system.id) already exists")
            }
            try db.execute(
                sql: "INSERT INTO systems (id, name, owner, level, dossier) VALUES (?, '', '', 1, 'none')", arguments: [system.id])
            try Self.write(system, in: db)
        }
    }

    public func updateSystem(_ system: InformationSystem) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [system.id]) != nil else {
                throw StoreError.notFound("system \(system.id)")
            }
            try Self.write(system, in: db)
        }
    }

    public func removeSystem(id: String) async throws(StoreError) {
        try await write { db in
            let hosts = try Int.fetchOne(db, sql: "SELECT count(*) FROM hosts WHERE system_id = ?", arguments: [id]) ?? 0
            guard hosts == 0 else {
                throw StoreError.conflict("system \(id) still has \(hosts) host(s); revoke and remove them first")
            }
            try db.execute(sql: "DELETE FROM systems WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError.notFound("system \(id)") }
        }
    }

    public func system(id: String) async throws(StoreError) -> InformationSystem? {
        try await read { db in
            try Self.systems(Row.fetchAll(db, sql: "SELECT * FROM systems WHERE id = ?", arguments: [id]), in: db).first
        }
    }

    public func systems() async throws(StoreError) -> [InformationSystem] {
        try await read { db in try Self.systems(Row.fetchAll(db, sql: "SELECT * FROM systems ORDER BY id"), in: db) }
    }

    public func addHost(_ host: EnrolledHost) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [host.system]) != nil else {
                throw StoreError.notFound("system \(host.system)")
            }
            try db.execute(
                sql: """
                    INSERT INTO hosts (agent_id, hostname, machine_id, os, agent_version, rules_version, system_id, enrolled_at,
                        last_seen, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    host.agentID, host.hostname, host.machineID, host.os, host.agentVersion, host.rulesVersion, host.system,
                    host.enrolledAt.microsecondsSinceEpoch, host.lastSeen?.microsecondsSinceEpoch, host.status.rawValue,
                ])
        }
    }

    public func host(agentID: String) async throws(StoreError) -> EnrolledHost? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM hosts WHERE agent_id = ?", arguments: [agentID]).map(Self.host) }
    }

    public func hosts(system: String?) async throws(StoreError) -> [EnrolledHost] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM hosts WHERE ?1 IS NULL OR system_id = ?1 ORDER BY system_id, hostname", arguments: [system]
            ).map(Self.host)
        }
    }

    public func setHostStatus(agentID: String, _ status: EnrolledHost.Status) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE hosts SET status = ? WHERE agent_id = ?", arguments: [status.rawValue, agentID])
            guard db.changesCount == 1 else { throw StoreError.notFound("host \(agentID)") }
        }
    }

    public func recordHeartbeat(
        agentID: String, agentVersion: String?, rulesVersion: String?, rulesFailure: String?, at time: Timestamp
    ) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE hosts SET last_seen = ?, agent_version = coalesce(?, agent_version), rules_version = coalesce(?, rules_version),
                        rules_failure = ?
                    WHERE agent_id = ?
                    """, arguments: [time.microsecondsSinceEpoch, agentVersion, rulesVersion, rulesFailure, agentID])
            guard db.changesCount == 1 else { throw StoreError.notFound("host \(agentID)") }
            try db.execute(
                sql: "INSERT OR IGNORE INTO host_days (host, day) SELECT id, ? FROM hosts WHERE agent_id = ?",
                arguments: [EnrollmentDecision.vietnamDay(time), agentID])
        }
    }

    public func reportingDays(from first: Int64, through last: Int64) async throws(StoreError) -> [String: Set<Int64>] {
        try await read { db in
            var days: [String: Set<Int64>] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT hosts.agent_id, host_days.day FROM host_days JOIN hosts ON hosts.id = host_days.host
                    WHERE host_days.day BETWEEN ? AND ?
                    """, arguments: [first, last])
            while let row = try rows.next() { days[row[0], default: []].insert(row[1]) }
            return days
        }
    }

    // MARK: Access

    public func addUser(_ user: User, tokenHash: String) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [user.name]) == nil else {
                throw StoreError.conflict("user \(user.name) already exists")
            }
            try db.execute(
                sql: "INSERT INTO users (name, role, token_sha256, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.name, user.role.rawValue, tokenHash, user.createdAt.microsecondsSinceEpoch])
        }
    }

    public func user(tokenHash: String) async throws(StoreError) -> User? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE token_sha256 = ?", arguments: [tokenHash]).map(Self.user)
        }
    }

    public func users() async throws(StoreError) -> [User] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(Self.user) }
    }

    public func addEnrollmentToken(_ token: EnrollmentToken, tokenHash: String) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [token.system]) != nil else {
                throw StoreError.notFound("system \(token.system)")
            }
            try db.execute(
                sql: """
                    INSERT INTO enrollment_tokens (id, token_sha256, system_id, expires_at, uses_left, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, tokenHash, token.system, token.expiresAt.microsecondsSinceEpoch, token.usesLeft, token.createdBy,
                    token.createdAt.microsecondsSinceEpoch,
                ])
        }
    }

    public func enroll(tokenHash: String, host: EnrolledHost, replace: Bool, at time: Timestamp) async throws(StoreError)
        -> EnrollmentOutcome
    {
        try await write { db in
            guard let token = try Row.fetchOne(db, sql: "SELECT * FROM enrollment_tokens WHERE token_sha256 = ?", arguments: [tokenHash])
            else { throw StoreError.notFound("enrollment token (unknown or revoked)") }
            let id: String = token["id"]
            let expiresAt = Timestamp(microsecondsSinceEpoch: token["expires_at"])
            guard expiresAt > time else { throw StoreError.invalid("enrollment token \(id) expired at \(expiresAt.iso8601)") }
            guard (token["uses_left"] as Int) > 0 else { throw StoreError.invalid("enrollment token \(id) has been used up") }
            var enrolled = host
            enrolled.system = token["system_id"]
            enrolled.enrolledAt = time
            enrolled.status = .active
            let holders = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM hosts WHERE replaced_by IS NULL
                        AND (hostname = ?1 COLLATE NOCASE OR (machine_id = ?2 AND status <> 'revoked'))
                    ORDER BY id
                    """, arguments: [enrolled.hostname, enrolled.machineID]
            ).map(Self.host)
            let replaced = try EnrollmentDecision.replaced(among: holders, by: enrolled, replace: replace)
            try db.execute(sql: "UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE id = ?", arguments: [id])
            if let replaced {
                try db.execute(
                    sql: "UPDATE hosts SET status = 'revoked', replaced_by = ? WHERE agent_id = ?",
                    arguments: [enrolled.agentID, replaced.agentID])
            }
            try db.execute(
                sql: """
                    INSERT INTO hosts (agent_id, hostname, machine_id, os, agent_version, rules_version, system_id, enrolled_at,
                        last_seen, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'active')
                    """,
                arguments: [
                    enrolled.agentID, enrolled.hostname, enrolled.machineID, enrolled.os, enrolled.agentVersion, enrolled.rulesVersion,
                    enrolled.system, time.microsecondsSinceEpoch,
                ])
            let newID = db.lastInsertedRowID
            let actor = "agent:\(enrolled.agentID)"
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, 'host.enroll', ?, ?)",
                arguments: [time.microsecondsSinceEpoch, actor, enrolled.agentID, "\(enrolled.hostname) with token \(id)"])
            guard let replaced else { return EnrollmentOutcome(host: enrolled) }
            // Findings follow the machine when it stays in its system and keeps its name (their
            // fingerprints hash the name); otherwise they stay behind as the old host's history.
            var moved = 0
            if replaced.system == enrolled.system, replaced.hostname == enrolled.hostname {
                let oldID = try Int64.fetchOne(db, sql: "SELECT id FROM hosts WHERE agent_id = ?", arguments: [replaced.agentID])
                try db.execute(sql: "UPDATE findings SET host_id = ? WHERE host_id = ?", arguments: [newID, oldID])
                moved = db.changesCount
                try db.execute(sql: "UPDATE records SET host = ? WHERE host = ?", arguments: [newID, oldID])
            }
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, 'host.replace', ?, ?)",
                arguments: [
                    time.microsecondsSinceEpoch, actor, replaced.agentID,
                    "\(replaced.hostname) (machine id \(replaced.machineID ?? "none"), system \(replaced.system)) replaced by agent "
                        + "\(enrolled.agentID) (machine id \(enrolled.machineID ?? "none"), system \(enrolled.system)) with token \(id); "
                        + "\(moved) finding(s) moved",
                ])
            return EnrollmentOutcome(host: enrolled, replaced: replaced, findingsMoved: moved)
        }
    }

    public func recordAudit(_ entry: AuditEntry) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.at.microsecondsSinceEpoch, entry.actor, entry.action, entry.target, entry.detail])
        }
    }

    public func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                AuditEntry(
                    at: Timestamp(microsecondsSinceEpoch: row["at"]), actor: row["actor"], action: row["action"], target: row["target"],
                    detail: row["detail"])
            }
        }
    }

    static func user(_ row: Row) -> User {
        User(
            name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer, createdAt: Timestamp(microsecondsSinceEpoch: row["created_at"])
        )
    }

    // MARK: Findings

    public func ingest(_ records: [FindingRecord], certificates: [CertificateRecord], from host: EnrolledHost, at time: Timestamp)
        async throws(StoreError) -> IngestSummary
    {
        try await committer.commit(
            IngestCommitter.Batch(
                records: records.map(IngestRecord.init), certificates: certificates, host: host, time: time))
    }

    /// One batch folded into the store inside the caller's transaction (the committer's): the
    /// records not stored before, the states they touch, then what `IngestPlan` decided.
    static func apply(
        _ batch: IngestCommitter.Batch, routing: AlertRouting, ruleTitles: [String: LocalizedText], in db: Database
    ) throws -> IngestSummary {
        let host = batch.host
        guard let hostID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM hosts WHERE agent_id = ?"), arguments: [host.agentID])
        else { throw StoreError.notFound("host \(host.agentID)") }
        let insertRecord = try db.cachedStatement(sql: "INSERT INTO records (host, id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        var fresh: [IngestRecord] = []
        fresh.reserveCapacity(batch.records.count)
        for prepared in batch.records {
            try insertRecord.execute(arguments: [hostID, prepared.idKey])
            if db.changesCount == 1 { fresh.append(prepared) }
        }
        // Most records of a busy estate are new findings: the id alone answers "is it known?"
        // without building a row of 18 columns for nothing. (A fingerprint twice in a batch is
        // looked for twice: rarer, and cheaper than remembering every fingerprint looked for.)
        let findFinding = try db.cachedStatement(sql: "SELECT id FROM findings WHERE host_id = ? AND key = ? AND fingerprint = ?")
        let selectFinding = try db.cachedStatement(sql: "SELECT \(findingColumns) WHERE f.id = ?")
        var prior: [String: IngestPlan.Stored] = [:]
        for prepared in fresh {
            guard let id = try Int64.fetchOne(findFinding, arguments: [hostID, prepared.findingKey, prepared.record.fingerprint]),
                let row = try Row.fetchOne(selectFinding, arguments: [id])
            else { continue }
            prior[prepared.record.fingerprint] = (finding(row), id)
        }
        let system = try AlertOutbox.routes(routing) ? systemRow(host.system, in: db) : nil
        let plan = try IngestPlan(fresh, prior: prior, host: host, system: system, routing: routing, ruleTitles: ruleTitles, at: batch.time)
        var ids: [Int64] = []
        ids.reserveCapacity(plan.findings.count)
        for planned in plan.findings {
            if let id = planned.id {
                try update(planned.state, id: id, in: db)
                ids.append(id)
            } else {
                ids.append(try insert(planned.state, hostID: hostID, in: db))
            }
        }
        for (index, transition) in plan.transitions { try save(transition, finding: ids[index], in: db) }
        for entry in plan.alerts { try insert(entry, in: db) }
        let tally = try db.cachedStatement(
            sql: """
                INSERT INTO finding_tallies (system_id, rule, status, severity, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET count = count + excluded.count
                """)
        for (key, count) in plan.newTallies {
            try tally.execute(arguments: [key.system, key.rule, key.status.rawValue, key.severity.rank, count])
        }
        for certificate in batch.certificates { try save(certificate, system: host.system, in: db) }
        try db.cachedStatement(
            sql: "UPDATE hosts SET last_seen = ? WHERE id = ?"
        ).execute(arguments: [batch.time.microsecondsSinceEpoch, hostID])
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO host_days (host, day) VALUES (?, ?)").execute(arguments: [
            hostID, EnrollmentDecision.vietnamDay(batch.time),
        ])
        return IngestSummary(accepted: fresh.count, duplicates: batch.records.count - fresh.count)
    }

    /// A system's row (without its assessments), or nil when there is none.
    static func systemRow(_ id: String, in db: Database) throws -> InformationSystem? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM systems WHERE id = ?"), arguments: [id]).map(system)
    }

    /// Finds `f` by fingerprint alone (arguments: its key, then the fingerprint): the index is
    /// per host, so this seeks once per host (about 1.5 ms at 2,000 hosts) — fine for a person's
    /// request, while ingest, which knows the host, seeks once. A name is held by one host at a
    /// time; when a replaced host kept findings with the same fingerprint as history, the newest
    /// host's finding is the one meant.
    static let byFingerprint = """
        f.id = (SELECT id FROM findings WHERE host_id IN (SELECT id FROM hosts) AND key = ? AND fingerprint = ?
            ORDER BY host_id DESC LIMIT 1)
        """

    /// The columns of a finding with its rule's title, in the order `finding(_:)` reads them by
    /// position: reading a row's columns by name lowercased every name of every row (a tenth of a
    /// compliance evaluation's time).
    static let findingColumns = """
        f.id, f.fingerprint, f.rule, f.entity, f.host, f.system_id, f.severity, f.status, f.outcome, f.count, f.first_seen,
            f.last_seen, f.requirements, f.evidence, f.reason, f.excepted_until, f.assignee, t.title_vi, t.title_en
        FROM findings f LEFT JOIN rule_titles t ON t.rule = f.rule
        """

    public func findings(_ filter: FindingFilter) async throws(StoreError) -> [FindingState] {
        let (clause, arguments) = Self.whereClause(filter)
        let sql = """
            SELECT \(Self.findingColumns) \(clause)
            ORDER BY f.last_seen DESC, f.id DESC
            LIMIT ?
            """
        let statementArguments = StatementArguments(arguments + [filter.limit])
        return try await read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.finding) }
    }

    /// The WHERE clause of a filter over `findings f`, with its arguments, the limit aside.
    static func whereClause(_ filter: FindingFilter) -> (String, [(any DatabaseValueConvertible)?]) {
        // Only the conditions asked for, so that SQLite can walk the index of the most selective
        // one newest first and stop at the limit ("x IS NULL OR …" would defeat every index).
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func require(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments.append(value)
        }
        require("f.system_id = ?", filter.system)
        require("f.host = ?", filter.host)
        require("f.rule = ?", filter.rule)
        require("f.severity >= ?", filter.minimumSeverity?.rank)
        require("f.status = ?", filter.status?.rawValue)
        require("f.last_seen >= ?", filter.since?.microsecondsSinceEpoch)
        if let fingerprint = filter.fingerprint {
            conditions.append(byFingerprint)
            arguments.append(FindingKey.of(fingerprint))
            arguments.append(fingerprint)
        }
        // LIKE is case-insensitive for ASCII; the subquery reads only the entity index.
        let pattern = filter.text.map { text in
            "%"
                + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
        require("f.id IN (SELECT id FROM findings WHERE entity LIKE ? ESCAPE '\\')", pattern)
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    public func finding(fingerprint: String) async throws(StoreError) -> FindingState? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.findingColumns) WHERE \(Self.byFingerprint)",
                arguments: [FindingKey.of(fingerprint), fingerprint]
            ).map(Self.finding)
        }
    }

    public func changeFinding(_ change: FindingChange) async throws(StoreError) -> FindingState {
        let routing = self.routing
        return try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.findingColumns) WHERE \(Self.byFingerprint)",
                    arguments: [FindingKey.of(change.fingerprint), change.fingerprint])
            else { throw StoreError.notFound("finding \(change.fingerprint)") }
            let previous = Self.finding(row)
            try FindingWorkflow.validate(change, current: previous)
            let system = try AlertOutbox.routes(routing) ? Self.systemRow(previous.system, in: db) : nil
            let (state, transition, alerts) = try FindingWorkflow.apply(
                change.status, reason: change.reason, until: change.until, actor: change.actor, at: change.at, to: previous,
                system: system, routing: routing)
            try Self.update(state, id: Self.findingID(row), in: db)
            try Self.save(transition, finding: Self.findingID(row), in: db)
            for entry in alerts { try Self.insert(entry, in: db) }
            return state
        }
    }

    public func transitions(fingerprint: String) async throws(StoreError) -> [FindingTransition] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.* FROM finding_transitions t JOIN findings f ON f.id = t.finding WHERE \(Self.byFingerprint)
                    ORDER BY t.id
                    """, arguments: [FindingKey.of(fingerprint), fingerprint]
            ).map { row in
                FindingTransition(
                    fingerprint: fingerprint, at: Timestamp(microsecondsSinceEpoch: row["at"]),
                    from: (row["from_status"] as String?).flatMap(FindingStatus.init(rawValue:)),
                    to: FindingStatus(rawValue: row["to_status"]) ?? .open, actor: row["actor"], reason: row["reason"])
            }
        }
    }

    // MARK: Certificates

    // MARK: Attestations

    public func addAttestation(_ attestation: Attestation) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [attestation.system]) != nil else {
                throw StoreError.notFound("system \(attestation.system)")
            }
            try db.execute(
                sql: """
                    INSERT INTO attestations (system_id, requirement, evidence, attested_by, attested_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (system_id, requirement, attested_at) DO UPDATE
                        SET evidence = excluded.evidence, attested_by = excluded.attested_by, expires_at = excluded.expires_at
                    """,
                arguments: [
                    attestation.system, attestation.requirement, attestation.evidence, attestation.attestedBy,
                    attestation.attestedAt.microsecondsSinceEpoch, attestation.expiresAt.microsecondsSinceEpoch,
                ])
        }
    }

    public func attestations(system: String?) async throws(StoreError) -> [Attestation] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM attestations WHERE ?1 IS NULL OR system_id = ?1
                    ORDER BY system_id, requirement, attested_at DESC
                    """, arguments: [system]
            ).map { row in
                Attestation(
                    system: row["system_id"], requirement: row["requirement"], evidence: row["evidence"], attestedBy: row["attested_by"],
                    attestedAt: Timestamp(microsecondsSinceEpoch: row["attested_at"]),
                    expiresAt: Timestamp(microsecondsSinceEpoch: row["expires_at"]))
            }
        }
    }

    public func withdrawAttestations(system: String, requirement: String) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM attestations WHERE system_id = ? AND requirement = ?", arguments: [system, requirement])
            return db.changesCount
        }
    }

    public func certificates(system: String?, expiringBefore: Timestamp?) async throws(StoreError) -> [CertificateRecord] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM certificates c
                    WHERE (?1 IS NULL OR not_after < ?1)
                        AND (?2 IS NULL OR EXISTS (
                            SELECT 1 FROM certificate_places p WHERE p.fingerprint = c.fingerprint AND p.system_id = ?2))
                    ORDER BY not_after, fingerprint
                    """, arguments: [expiringBefore?.microsecondsSinceEpoch, system])
            return try rows.map { row in
                let fingerprint: String = row["fingerprint"]
                let places = try Row.fetchAll(
                    db, sql: "SELECT * FROM certificate_places WHERE fingerprint = ? ORDER BY host, place", arguments: [fingerprint]
                ).map { place in
                    CertificateRecord.Place(
                        host: place["host"], place: place["place"], firstSeen: Timestamp(microsecondsSinceEpoch: place["first_seen"]),
                        lastSeen: Timestamp(microsecondsSinceEpoch: place["last_seen"]))
                }
                let names: String = row["names"]
                return CertificateRecord(
                    fingerprint: fingerprint, subject: row["subject"], issuer: row["issuer"],
                    names: names.split(separator: ",").map(String.init), notBefore: Timestamp(microsecondsSinceEpoch: row["not_before"]),
                    notAfter: Timestamp(microsecondsSinceEpoch: row["not_after"]), key: row["key"], signature: row["signature"],
                    places: places)
            }
        }
    }

    /// The facts come from the certificate's DER, so whoever sends it writes the same facts;
    /// writing them again replaces any description stored before the collector read the DER.
    private static func save(_ certificate: CertificateRecord, system: String, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO certificates (fingerprint, subject, issuer, names, not_before, not_after, key, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (fingerprint) DO UPDATE SET subject = excluded.subject, issuer = excluded.issuer, names = excluded.names,
                    not_before = excluded.not_before, not_after = excluded.not_after, key = excluded.key, signature = excluded.signature
                """,
            arguments: [
                certificate.fingerprint, certificate.subject, certificate.issuer, certificate.names.joined(separator: ","),
                certificate.notBefore.microsecondsSinceEpoch, certificate.notAfter.microsecondsSinceEpoch, certificate.key,
                certificate.signature,
            ])
        for place in certificate.places {
            try db.execute(
                sql: """
                    INSERT INTO certificate_places (fingerprint, host, system_id, place, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (fingerprint, host, place) DO UPDATE SET
                        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
                    """,
                arguments: [
                    certificate.fingerprint, place.host, system, place.place, place.firstSeen.microsecondsSinceEpoch,
                    place.lastSeen.microsecondsSinceEpoch,
                ])
        }
    }

    // MARK: Rows

    /// Writes every fact of an existing system's row, and replaces its assessments.
    private static func write(_ system: InformationSystem, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE systems SET name = ?2, owner = ?3, operator = ?4, level = ?5, proposed_level = ?6, dossier = ?7,
                    decision_number = ?8, decision_date = ?9, decision_issuer = ?10, appraisal_number = ?11, appraisal_date = ?12,
                    appraisal_issuer = ?13, expected_approval = ?14, regulation_number = ?15, regulation_date = ?16,
                    regulation_issuer = ?17, security_unit = ?18, contact_name = ?19, contact_title = ?20, contact_phone = ?21,
                    contact_email = ?22, go_live = ?23, plan = ?24, plan_expected = ?25, monitored_by = ?26,
                    monitoring_evidence = ?27, monitoring_until = ?28
                WHERE id = ?1
                """,
            arguments: [
                system.id, system.name, system.owner, system.operatorUnit, system.level.rawValue, system.proposedLevel?.rawValue,
                system.dossier.rawValue, system.decisionNumber, system.decisionDate, system.decisionIssuer, system.appraisal?.number,
                system.appraisal?.date, system.appraisal?.issuer, system.expectedApproval, system.regulation?.number,
                system.regulation?.date, system.regulation?.issuer, system.securityUnit, system.contact?.name, system.contact?.title,
                system.contact?.phone, system.contact?.email, system.goLive, system.plan.rawValue, system.planExpected,
                system.monitoredElsewhere?.by, system.monitoredElsewhere?.evidence, system.monitoredElsewhere?.until,
            ])
        try db.execute(sql: "DELETE FROM assessments WHERE system_id = ?", arguments: [system.id])
        for assessment in system.assessments {
            try db.execute(
                sql: "INSERT OR REPLACE INTO assessments (system_id, date, kind, assessor, result) VALUES (?, ?, ?, ?, ?)",
                arguments: [system.id, assessment.date, assessment.kind.rawValue, assessment.assessor, assessment.result])
        }
    }

    /// A system's row, without its assessments (`systems(in:)` adds them).
    static func system(_ row: Row) -> InformationSystem {
        func decision(_ prefix: String) -> Decision? {
            (row["\(prefix)_number"] as String?).map { Decision(number: $0, date: row["\(prefix)_date"], issuer: row["\(prefix)_issuer"]) }
        }
        return InformationSystem(
            id: row["id"], name: row["name"], owner: row["owner"], operatorUnit: row["operator"],
            level: Level(rawValue: row["level"]) ?? .lowest, proposedLevel: (row["proposed_level"] as Int?).flatMap(Level.init(rawValue:)),
            dossier: DossierStatus(rawValue: row["dossier"]) ?? .none, decisionNumber: row["decision_number"],
            decisionDate: row["decision_date"], decisionIssuer: row["decision_issuer"], appraisal: decision("appraisal"),
            expectedApproval: row["expected_approval"], regulation: decision("regulation"), securityUnit: row["security_unit"],
            contact: (row["contact_name"] as String?).map {
                Contact(name: $0, title: row["contact_title"], phone: row["contact_phone"], email: row["contact_email"])
            },
            goLive: row["go_live"], plan: PlanImplementation(rawValue: row["plan"]) ?? .none, planExpected: row["plan_expected"],
            monitoredElsewhere: (row["monitored_by"] as String?).map {
                ExternalMonitoring(by: $0, evidence: row["monitoring_evidence"] ?? "", until: row["monitoring_until"] ?? "")
            })
    }

    /// Systems with their assessments.
    static func systems(_ rows: [Row], in db: Database) throws -> [InformationSystem] {
        var systems = rows.map(system)
        guard !systems.isEmpty else { return systems }
        var byID: [String: [Assessment]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM assessments ORDER BY date, kind, assessor") {
            guard let kind = Assessment.Kind(rawValue: row["kind"]) else { continue }
            byID[row["system_id"], default: []].append(
                Assessment(date: row["date"], kind: kind, assessor: row["assessor"], result: row["result"]))
        }
        for index in systems.indices { systems[index].assessments = byID[systems[index].id] ?? [] }
        return systems
    }

    static func host(_ row: Row) -> EnrolledHost {
        EnrolledHost(
            agentID: row["agent_id"], hostname: row["hostname"], machineID: row["machine_id"], os: row["os"],
            agentVersion: row["agent_version"], rulesVersion: row["rules_version"], rulesFailure: row["rules_failure"],
            system: row["system_id"],
            enrolledAt: Timestamp(microsecondsSinceEpoch: row["enrolled_at"]),
            lastSeen: (row["last_seen"] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)),
            status: EnrolledHost.Status(rawValue: row["status"]) ?? .active, replacedBy: row["replaced_by"])
    }

    static func finding(_ row: Row) -> FindingState {
        let requirements: String = row[12]
        let severity: Int = row[6]
        return FindingState(
            fingerprint: row[1], rule: row[2], entity: row[3], host: row[4], system: row[5], severity: Severity(rank: severity) ?? .info,
            status: FindingStatus(rawValue: row[7]) ?? .open, outcome: Outcome(rawValue: row[8]) ?? .fail, count: row[9],
            firstSeen: Timestamp(microsecondsSinceEpoch: row[10]), lastSeen: Timestamp(microsecondsSinceEpoch: row[11]),
            requirements: requirements.split(separator: ",").map(String.init),
            title: LocalizedText(vi: row[17] ?? "", en: row[18] ?? ""), evidence: row[13], reason: row[14],
            exceptedUntil: (row[15] as Int64?).map(Timestamp.init(microsecondsSinceEpoch:)), assignee: row[16])
    }

    /// The store's id of a finding read with `findingColumns`.
    static func findingID(_ row: Row) -> Int64 { row[0] }

    private static func insert(_ state: FindingState, hostID: Int64, in db: Database) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO findings (key, fingerprint, rule, entity, host, host_id, system_id, severity, status, outcome, count,
                    first_seen, last_seen, requirements, evidence, reason, excepted_until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                FindingKey.of(state.fingerprint), state.fingerprint, state.rule, state.entity, state.host, hostID, state.system,
                state.severity.rank,
                state.status.rawValue,
                state.outcome.rawValue, state.count, state.firstSeen.microsecondsSinceEpoch, state.lastSeen.microsecondsSinceEpoch,
                state.requirements.joined(separator: ","), state.evidence, state.reason, state.exceptedUntil?.microsecondsSinceEpoch,
            ])
        return db.lastInsertedRowID
    }

    static func update(_ state: FindingState, id: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE findings SET severity = ?, status = ?, outcome = ?, count = ?, first_seen = ?, last_seen = ?, requirements = ?,
                    evidence = ?, reason = ?, excepted_until = ?
                WHERE id = ?
                """
        ).execute(
            arguments: [
                state.severity.rank, state.status.rawValue, state.outcome.rawValue, state.count, state.firstSeen.microsecondsSinceEpoch,
                state.lastSeen.microsecondsSinceEpoch, state.requirements.joined(separator: ","), state.evidence, state.reason,
                state.exceptedUntil?.microsecondsSinceEpoch, id,
            ])
    }

    static func save(_ transition: FindingTransition, finding: Int64, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO finding_transitions (finding, at, from_status, to_status, actor, reason) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                finding, transition.at.microsecondsSinceEpoch, transition.from?.rawValue, transition.to.rawValue, transition.actor,
                transition.reason,
            ])
    }

    // MARK: Transactions

    func write<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(StoreError) -> Value {
        do { return try await pool.write(body) } catch let error as StoreError { throw error } catch { throw .database("\(error)") }
    }

    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(StoreError) -> Value {
        do { return try await pool.read(body) } catch let error as StoreError { throw error } catch { throw .database("\(error)") }
    }
}
