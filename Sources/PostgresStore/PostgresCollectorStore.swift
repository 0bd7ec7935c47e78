public import Alerts
public import CanhModel
public import CollectorStore
import Foundation
public import Logging
import PostgresNIO

/// The collector's store on PostgreSQL, for deployments that outgrow one SQLite file: several
/// collectors (stateless but for this store) behind a load balancer. The decisions are the
/// SQLite store's (`IngestPlan`, `FindingWorkflow`, `AlertSweeps`); this only reads and writes rows,
/// locking what two collectors could otherwise change at once: a host's row while its batch is
/// folded, a finding's while a person changes it, an outbox message while it is being sent.
public final class PostgresCollectorStore: CollectorStore {
    let pool: PostgresConnectionPool
    let routing: AlertRouting
    let ruleTitles: [String: LocalizedText]
    /// How long a collector holds the outbox messages it is sending before another may.
    let claimTime: TimeSpan
    /// Who claims outbox messages: this store, for as long as the process runs.
    let claimant = UUID().uuidString

    /// Connects to the database at `location`, which `migrate` has brought to the newest schema.
    /// - Parameters:
    ///   - alertRouting: which finding changes queue alerts for which channels.
    ///   - ruleTitles: the titles of the rule pack the collector serves (written to the store,
    ///     replacing what another collector wrote: collectors on one database serve one pack).
    ///   - maximumConnections: this collector's share of the server's `max_connections`.
    public init(
        location: PostgresLocation, alertRouting: AlertRouting = AlertRouting(rules: []), ruleTitles: [String: LocalizedText] = [:],
        maximumConnections: Int = 10, claimTime: TimeSpan = .seconds(60), logger: Logger = Logger(label: "canh-collector.postgres")
    ) async throws(StoreError) {
        pool = try PostgresConnectionPool(location, maximumConnections: maximumConnections, logger: logger)
        try await pool.started()
        routing = alertRouting
        self.ruleTitles = ruleTitles
        self.claimTime = claimTime
        let version = try await PostgresMigrator(pool: pool).currentVersion()
        guard version == PostgresSchema.migrations.last?.version else {
            pool.close()
            throw .database(
                "\(location) is at schema version \(version), this collector needs \(PostgresSchema.migrations.last?.version ?? 0): "
                    + "run `canh-collector migrate` (a newer schema than this collector knows: upgrade the collector)")
        }
        if !ruleTitles.isEmpty { try await replaceRuleTitles(ruleTitles) }
    }

    /// Brings the database at `location` to the newest schema; returns the versions applied.
    public static func migrate(_ location: PostgresLocation, logger: Logger = Logger(label: "canh-collector.postgres"))
        async throws(StoreError) -> [Int]
    {
        let pool = try PostgresConnectionPool(location, maximumConnections: 1, logger: logger)
        defer { pool.close() }
        try await pool.started()
        return try await PostgresMigrator(pool: pool).migrate()
    }

    /// Closes the connections.
    public func close() { pool.close() }

    private func replaceRuleTitles(_ titles: [String: LocalizedText]) async throws(StoreError) {
        try await pool.write { connection in
            try await connection.query("LOCK TABLE rule_titles IN EXCLUSIVE MODE", logger: pool.logger)
            try await connection.query("DELETE FROM rule_titles", logger: pool.logger)
            for chunk in titles.sorted(by: { $0.key < $1.key }).chunked(500) {
                var sql = SQLBuilder(text: "INSERT INTO rule_titles (rule, title_vi, title_en) VALUES ")
                sql.text += chunk.map { rule, title in "(\(sql.bind(rule)), \(sql.bind(title.vi)), \(sql.bind(title.en)))" }
                    .joined(separator: ", ")
                try await connection.query(sql.query, logger: pool.logger)
            }
        }
    }

    public func ping() async throws(StoreError) {
        _ = try await pool.read { connection in try await connection.query("SELECT 1", logger: pool.logger).scalar(Int.self) }
    }

    /// ANALYZE of the tables queries filter, by one collector at a time (autovacuum does it too;
    /// this keeps the estimates fresh while a store grows from nothing).
    public func refreshStatistics() async throws(StoreError) {
        try await pool.read { connection in
            guard
                try await connection.query("SELECT pg_try_advisory_lock(\(PostgresSweeps.statistics))", logger: pool.logger)
                    .scalar(Bool.self) == true
            else { return }
            do {
                try await connection.query("ANALYZE findings, finding_tallies, hosts, alert_outbox, certificates", logger: pool.logger)
            } catch {
                try? await connection.execute("SELECT pg_advisory_unlock(\(PostgresSweeps.statistics))", logger: pool.logger)
                throw error
            }
            try await connection.execute("SELECT pg_advisory_unlock(\(PostgresSweeps.statistics))", logger: pool.logger)
        }
    }

    // MARK: Inventory

    public func addSystem(_ system: InformationSystem) async throws(StoreError) {
        try await pool.write { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO systems (id, name, owner, level, dossier) VALUES (\(system.id), '', '', 1, 'none')
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: pool.logger
            ).scalar(Int.self)
            guard inserted != nil else { throw StoreError.conflict("system \(system.id) already exists") }
            try await write(system, on: connection)
        }
    }

    public func updateSystem(_ system: InformationSystem) async throws(StoreError) {
        try await pool.write { connection in
            guard
                try await connection.query("SELECT 1 FROM systems WHERE id = \(system.id) FOR UPDATE", logger: pool.logger).scalar(Int.self)
                    != nil
            else { throw StoreError.notFound("system \(system.id)") }
            try await write(system, on: connection)
        }
    }

    public func removeSystem(id: String) async throws(StoreError) {
        try await pool.write { connection in
            let hosts =
                try await connection.query("SELECT count(*) FROM hosts WHERE system_id = \(id)", logger: pool.logger).scalar(Int.self) ?? 0
            guard hosts == 0 else {
                throw StoreError.conflict("system \(id) still has \(hosts) host(s); revoke and remove them first")
            }
            guard
                try await connection.query("DELETE FROM systems WHERE id = \(id) RETURNING 1", logger: pool.logger).scalar(Int.self) != nil
            else { throw StoreError.notFound("system \(id)") }
        }
    }

    public func system(id: String) async throws(StoreError) -> InformationSystem? {
        try await pool.read { connection in try await systems(id: id, on: connection).first }
    }

    public func systems() async throws(StoreError) -> [InformationSystem] {
        try await pool.read { connection in try await systems(id: nil, on: connection) }
    }

    /// Systems with their assessments: the one with `id`, or all.
    func systems(id: String?, on connection: PostgresConnection) async throws -> [InformationSystem] {
        var systems = try await connection.query(
            "SELECT * FROM systems WHERE \(id)::text IS NULL OR id = \(id) ORDER BY id", logger: pool.logger
        ).all(PostgresRows.system)
        guard !systems.isEmpty else { return systems }
        var byID: [String: [Assessment]] = [:]
        let assessments = try await connection.query(
            "SELECT * FROM assessments WHERE \(id)::text IS NULL OR system_id = \(id) ORDER BY date, kind, assessor",
            logger: pool.logger)
        for try await row in assessments {
            let row = row.makeRandomAccess()
            guard let kind = Assessment.Kind(rawValue: try row.value("kind")) else { continue }
            byID[try row.value("system_id"), default: []].append(
                Assessment(date: try row.value("date"), kind: kind, assessor: try row.value("assessor"), result: try row.value("result")))
        }
        for index in systems.indices { systems[index].assessments = byID[systems[index].id] ?? [] }
        return systems
    }

    /// A system's row without its assessments (what alerts name), or nil.
    func systemRow(_ id: String, on connection: PostgresConnection) async throws -> InformationSystem? {
        try await connection.query("SELECT * FROM systems WHERE id = \(id)", logger: pool.logger).first(PostgresRows.system)
    }

    /// Writes every fact of an existing system's row, and replaces its assessments.
    private func write(_ system: InformationSystem, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE systems SET name = \(system.name), owner = \(system.owner), operator = \(system.operatorUnit),
                level = \(system.level.rawValue), proposed_level = \(system.proposedLevel?.rawValue), dossier = \(system.dossier.rawValue),
                decision_number = \(system.decisionNumber), decision_date = \(system.decisionDate),
                decision_issuer = \(system.decisionIssuer), appraisal_number = \(system.appraisal?.number),
                appraisal_date = \(system.appraisal?.date), appraisal_issuer = \(system.appraisal?.issuer),
                expected_approval = \(system.expectedApproval), regulation_number = \(system.regulation?.number),
                regulation_date = \(system.regulation?.date), regulation_issuer = \(system.regulation?.issuer),
                security_unit = \(system.securityUnit), contact_name = \(system.contact?.name),
                contact_title = \(system.contact?.title), contact_phone = \(system.contact?.phone),
                contact_email = \(system.contact?.email), go_live = \(system.goLive), plan = \(system.plan.rawValue),
                plan_expected = \(system.planExpected), monitored_by = \(system.monitoredElsewhere?.by),
                monitoring_evidence = \(system.monitoredElsewhere?.evidence), monitoring_until = \(system.monitoredElsewhere?.until)
            WHERE id = \(system.id)
            """, logger: pool.logger)
        try await connection.query("DELETE FROM assessments WHERE system_id = \(system.id)", logger: pool.logger)
        for assessment in system.assessments {
            try await connection.query(
                """
                INSERT INTO assessments (system_id, date, kind, assessor, result)
                VALUES (\(system.id), \(assessment.date), \(assessment.kind.rawValue), \(assessment.assessor), \(assessment.result))
                ON CONFLICT (system_id, date, kind, assessor) DO UPDATE SET result = excluded.result
                """, logger: pool.logger)
        }
    }

    public func addHost(_ host: EnrolledHost) async throws(StoreError) {
        try await pool.write { connection in
            guard try await connection.query("SELECT 1 FROM systems WHERE id = \(host.system)", logger: pool.logger).scalar(Int.self) != nil
            else { throw StoreError.notFound("system \(host.system)") }
            try await connection.query(
                """
                INSERT INTO hosts (agent_id, hostname, machine_id, os, agent_version, rules_version, system_id, enrolled_at,
                    last_seen, status)
                VALUES (\(host.agentID), \(host.hostname), \(host.machineID), \(host.os), \(host.agentVersion), \(host.rulesVersion),
                    \(host.system), \(host.enrolledAt.microsecondsSinceEpoch), \(host.lastSeen?.microsecondsSinceEpoch),
                    \(host.status.rawValue))
                """, logger: pool.logger)
        }
    }

    public func host(agentID: String) async throws(StoreError) -> EnrolledHost? {
        try await pool.read { connection in
            try await connection.query("SELECT * FROM hosts WHERE agent_id = \(agentID)", logger: pool.logger).first(PostgresRows.host)
        }
    }

    public func hosts(system: String?) async throws(StoreError) -> [EnrolledHost] {
        try await pool.read { connection in
            try await connection.query(
                "SELECT * FROM hosts WHERE \(system)::text IS NULL OR system_id = \(system) ORDER BY system_id, hostname",
                logger: pool.logger
            ).all(PostgresRows.host)
        }
    }

    public func setHostStatus(agentID: String, _ status: EnrolledHost.Status) async throws(StoreError) {
        try await pool.write { connection in
            guard
                try await connection.query(
                    "UPDATE hosts SET status = \(status.rawValue) WHERE agent_id = \(agentID) RETURNING 1", logger: pool.logger
                ).scalar(Int.self) != nil
            else { throw StoreError.notFound("host \(agentID)") }
        }
    }

    public func recordHeartbeat(
        agentID: String, agentVersion: String?, rulesVersion: String?, rulesFailure: String?, at time: Timestamp
    ) async throws(StoreError) {
        try await pool.write { connection in
            guard
                let id = try await connection.query(
                    """
                    UPDATE hosts SET last_seen = \(time.microsecondsSinceEpoch),
                        agent_version = coalesce(\(agentVersion), agent_version), rules_version = coalesce(\(rulesVersion), rules_version),
                        rules_failure = \(rulesFailure)
                    WHERE agent_id = \(agentID) RETURNING id
                    """, logger: pool.logger
                ).scalar(Int64.self)
            else { throw StoreError.notFound("host \(agentID)") }
            try await connection.query(
                "INSERT INTO host_days (host, day) VALUES (\(id), \(EnrollmentDecision.vietnamDay(time))) ON CONFLICT DO NOTHING",
                logger: pool.logger)
        }
    }

    public func reportingDays(from first: Int64, through last: Int64) async throws(StoreError) -> [String: Set<Int64>] {
        try await pool.read { connection in
            var days: [String: Set<Int64>] = [:]
            let rows = try await connection.query(
                """
                SELECT hosts.agent_id, host_days.day FROM host_days JOIN hosts ON hosts.id = host_days.host
                WHERE host_days.day BETWEEN \(first) AND \(last)
                """, logger: pool.logger)
            for try await (agent, day) in rows.decode((String, Int64).self) { days[agent, default: []].insert(day) }
            return days
        }
    }

    // MARK: Access

    public func addUser(_ user: User, tokenHash: String) async throws(StoreError) {
        try await pool.write { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO users (name, role, token_sha256, created_at)
                VALUES (\(user.name), \(user.role.rawValue), \(tokenHash), \(user.createdAt.microsecondsSinceEpoch))
                ON CONFLICT (name) DO NOTHING RETURNING 1
                """, logger: pool.logger
            ).scalar(Int.self)
            guard inserted != nil else { throw StoreError.conflict("user \(user.name) already exists") }
        }
    }

    public func user(tokenHash: String) async throws(StoreError) -> User? {
        try await pool.read { connection in
            try await connection.query("SELECT * FROM users WHERE token_sha256 = \(tokenHash)", logger: pool.logger).first(
                PostgresRows.user)
        }
    }

    public func users() async throws(StoreError) -> [User] {
        try await pool.read { connection in
            try await connection.query("SELECT * FROM users ORDER BY name", logger: pool.logger).all(PostgresRows.user)
        }
    }

    public func addEnrollmentToken(_ token: EnrollmentToken, tokenHash: String) async throws(StoreError) {
        try await pool.write { connection in
            guard
                try await connection.query("SELECT 1 FROM systems WHERE id = \(token.system)", logger: pool.logger).scalar(Int.self) != nil
            else { throw StoreError.notFound("system \(token.system)") }
            try await connection.query(
                """
                INSERT INTO enrollment_tokens (id, token_sha256, system_id, expires_at, uses_left, created_by, created_at)
                VALUES (\(token.id), \(tokenHash), \(token.system), \(token.expiresAt.microsecondsSinceEpoch), \(token.usesLeft),
                    \(token.createdBy), \(token.createdAt.microsecondsSinceEpoch))
                """, logger: pool.logger)
        }
    }

    public func enroll(tokenHash: String, host: EnrolledHost, replace: Bool, at time: Timestamp) async throws(StoreError)
        -> EnrollmentOutcome
    {
        try await pool.write { connection in
            // The token's row is locked: two collectors enrolling with its last use cannot both.
            guard
                let (id, system, expires, usesLeft) = try await connection.query(
                    "SELECT id, system_id, expires_at, uses_left FROM enrollment_tokens WHERE token_sha256 = \(tokenHash) FOR UPDATE",
                    logger: pool.logger
                ).first({ row in
                    (try row.value(0, String.self), try row.value(1, String.self), try row.value(2, Int64.self), try row.value(3, Int.self))
                })
            else { throw StoreError.notFound("enrollment token (unknown or revoked)") }
            let expiresAt = Timestamp(microsecondsSinceEpoch: expires)
            guard expiresAt > time else { throw StoreError.invalid("enrollment token \(id) expired at \(expiresAt.iso8601)") }
            guard usesLeft > 0 else { throw StoreError.invalid("enrollment token \(id) has been used up") }
            var enrolled = host
            enrolled.system = system
            enrolled.enrolledAt = time
            enrolled.status = .active
            let holders = try await connection.query(
                """
                SELECT * FROM hosts WHERE replaced_by IS NULL
                    AND (lower(hostname) = lower(\(enrolled.hostname)) OR (machine_id = \(enrolled.machineID) AND status <> 'revoked'))
                ORDER BY id FOR UPDATE
                """, logger: pool.logger
            ).all(PostgresRows.host)
            let replaced = try EnrollmentDecision.replaced(among: holders, by: enrolled, replace: replace)
            try await connection.query("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE id = \(id)", logger: pool.logger)
            if let replaced {
                try await connection.query(
                    "UPDATE hosts SET status = 'revoked', replaced_by = \(enrolled.agentID) WHERE agent_id = \(replaced.agentID)",
                    logger: pool.logger)
            }
            let newID = try await connection.query(
                """
                INSERT INTO hosts (agent_id, hostname, machine_id, os, agent_version, rules_version, system_id, enrolled_at,
                    last_seen, status)
                VALUES (\(enrolled.agentID), \(enrolled.hostname), \(enrolled.machineID), \(enrolled.os), \(enrolled.agentVersion),
                    \(enrolled.rulesVersion), \(enrolled.system), \(time.microsecondsSinceEpoch), NULL, 'active')
                RETURNING id
                """, logger: pool.logger
            ).scalar(Int64.self)
            let actor = "agent:\(enrolled.agentID)"
            try await audit(
                AuditEntry(
                    at: time, actor: actor, action: "host.enroll", target: enrolled.agentID, detail: "\(enrolled.hostname) with token \(id)"
                ),
                on: connection)
            guard let replaced else { return EnrollmentOutcome(host: enrolled) }
            // Findings follow the machine when it stays in its system and keeps its name (their
            // fingerprints hash the name); otherwise they stay behind as the old host's history.
            var moved = 0
            if replaced.system == enrolled.system, replaced.hostname == enrolled.hostname {
                let oldID = try await connection.query("SELECT id FROM hosts WHERE agent_id = \(replaced.agentID)", logger: pool.logger)
                    .scalar(Int64.self)
                moved =
                    try await connection.query(
                        "WITH moved AS (UPDATE findings SET host_id = \(newID) WHERE host_id = \(oldID) RETURNING 1) SELECT count(*) FROM moved",
                        logger: pool.logger
                    ).scalar(Int.self) ?? 0
                try await connection.query("UPDATE records SET host = \(newID) WHERE host = \(oldID)", logger: pool.logger)
            }
            try await audit(
                AuditEntry(
                    at: time, actor: actor, action: "host.replace", target: replaced.agentID,
                    detail:
                        "\(replaced.hostname) (machine id \(replaced.machineID ?? "none"), system \(replaced.system)) replaced by agent "
                        + "\(enrolled.agentID) (machine id \(enrolled.machineID ?? "none"), system \(enrolled.system)) with token \(id); "
                        + "\(moved) finding(s) moved"), on: connection)
            return EnrollmentOutcome(host: enrolled, replaced: replaced, findingsMoved: moved)
        }
    }

    public func recordAudit(_ entry: AuditEntry) async throws(StoreError) {
        try await pool.write { connection in try await audit(entry, on: connection) }
    }

    func audit(_ entry: AuditEntry, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit_log (at, actor, action, target, detail)
            VALUES (\(entry.at.microsecondsSinceEpoch), \(entry.actor), \(entry.action), \(entry.target), \(entry.detail))
            """, logger: pool.logger)
    }

    public func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await pool.read { connection in
            try await connection.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT \(limit)", logger: pool.logger).all { row in
                AuditEntry(
                    at: try row.time("at"), actor: try row.value("actor"), action: try row.value("action"), target: try row.value("target"),
                    detail: try row.value("detail"))
            }
        }
    }

    // MARK: Attestations

    public func addAttestation(_ attestation: Attestation) async throws(StoreError) {
        try await pool.write { connection in
            guard
                try await connection.query("SELECT 1 FROM systems WHERE id = \(attestation.system)", logger: pool.logger).scalar(Int.self)
                    != nil
            else { throw StoreError.notFound("system \(attestation.system)") }
            try await connection.query(
                """
                INSERT INTO attestations (system_id, requirement, evidence, attested_by, attested_at, expires_at)
                VALUES (\(attestation.system), \(attestation.requirement), \(attestation.evidence), \(attestation.attestedBy),
                    \(attestation.attestedAt.microsecondsSinceEpoch), \(attestation.expiresAt.microsecondsSinceEpoch))
                ON CONFLICT (system_id, requirement, attested_at) DO UPDATE
                    SET evidence = excluded.evidence, attested_by = excluded.attested_by, expires_at = excluded.expires_at
                """, logger: pool.logger)
        }
    }

    public func attestations(system: String?) async throws(StoreError) -> [Attestation] {
        try await pool.read { connection in
            try await connection.query(
                """
                SELECT * FROM attestations WHERE \(system)::text IS NULL OR system_id = \(system)
                ORDER BY system_id, requirement, attested_at DESC
                """, logger: pool.logger
            ).all { row in
                Attestation(
                    system: try row.value("system_id"), requirement: try row.value("requirement"), evidence: try row.value("evidence"),
                    attestedBy: try row.value("attested_by"), attestedAt: try row.time("attested_at"), expiresAt: try row.time("expires_at")
                )
            }
        }
    }

    public func withdrawAttestations(system: String, requirement: String) async throws(StoreError) -> Int {
        try await pool.write { connection in
            try await connection.query(
                """
                WITH gone AS (DELETE FROM attestations WHERE system_id = \(system) AND requirement = \(requirement) RETURNING 1)
                SELECT count(*) FROM gone
                """, logger: pool.logger
            ).scalar(Int.self) ?? 0
        }
    }

    // MARK: Certificates

    public func certificates(system: String?, expiringBefore: Timestamp?) async throws(StoreError) -> [CertificateRecord] {
        try await pool.read { connection in
            let before = expiringBefore?.microsecondsSinceEpoch
            var certificates = try await connection.query(
                """
                SELECT * FROM certificates c
                WHERE (\(before)::bigint IS NULL OR not_after < \(before))
                    AND (\(system)::text IS NULL OR EXISTS (
                        SELECT 1 FROM certificate_places p WHERE p.fingerprint = c.fingerprint AND p.system_id = \(system)))
                ORDER BY not_after, fingerprint
                """, logger: pool.logger
            ).all { row in
                CertificateRecord(
                    fingerprint: try row.value("fingerprint"), subject: try row.value("subject"), issuer: try row.value("issuer"),
                    names: try row.value("names", String.self).split(separator: ",").map(String.init),
                    notBefore: try row.time("not_before"), notAfter: try row.time("not_after"), key: try row.value("key"),
                    signature: try row.value("signature"), places: [])
            }
            guard !certificates.isEmpty else { return certificates }
            var places: [String: [CertificateRecord.Place]] = [:]
            let rows = try await connection.query(
                """
                SELECT * FROM certificate_places WHERE fingerprint = ANY(\(certificates.map(\.fingerprint)))
                ORDER BY fingerprint, host, place
                """, logger: pool.logger)
            for try await row in rows {
                let row = row.makeRandomAccess()
                places[try row.value("fingerprint"), default: []].append(
                    CertificateRecord.Place(
                        host: try row.value("host"), place: try row.value("place"), firstSeen: try row.time("first_seen"),
                        lastSeen: try row.time("last_seen")))
            }
            for index in certificates.indices { certificates[index].places = places[certificates[index].fingerprint] ?? [] }
            return certificates
        }
    }
}

extension Array {
    /// The elements in runs of at most `size`.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
