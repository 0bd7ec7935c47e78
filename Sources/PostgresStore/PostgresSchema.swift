import CanhModel
import Foundation

/// The collector's tables on PostgreSQL, as numbered migrations applied in order by `canh-collector
/// migrate` (and `init`), each in its own transaction under an advisory lock, so that collectors
/// started together do not apply one twice. Only ever appended. Times are microseconds since
/// 1970 (UTC) in `bigint`, as in the SQLite store, so both stores hold the same values.
enum PostgresSchema {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var sql: String
    }

    /// The advisory lock migrations are applied under (any fixed number; the sweeps use others).
    static let migrationLock: Int64 = 0x6361_6E68_0001

    static func oneOf(_ column: String, _ values: [String]) -> String {
        "CHECK (\(column) IN (" + values.map { "'\($0)'" }.joined(separator: ", ") + "))"
    }

    /// The statements of a migration, one by one (the extended query protocol takes one at a
    /// time): split after a line ending in `;`, except inside a `$$` function body.
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current: [Substring] = []
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current.append(line)
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !inBody, trimmed.hasSuffix(";"), !trimmed.hasPrefix("--") {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "the collector's tables as of SQLite store version 11",
            sql: """
                CREATE TABLE systems (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    owner text NOT NULL,
                    operator text,
                    level integer NOT NULL CHECK (level BETWEEN 1 AND 5),
                    proposed_level integer CHECK (proposed_level BETWEEN 1 AND 5),
                    dossier text NOT NULL \(oneOf("dossier", DossierStatus.allCases.map(\.rawValue))),
                    decision_number text,
                    decision_date text,
                    decision_issuer text,
                    appraisal_number text,
                    appraisal_date text,
                    appraisal_issuer text,
                    expected_approval text,
                    regulation_number text,
                    regulation_date text,
                    regulation_issuer text,
                    security_unit text,
                    contact_name text,
                    contact_title text,
                    contact_phone text,
                    contact_email text,
                    go_live text,
                    plan text NOT NULL DEFAULT 'none' \(oneOf("plan", PlanImplementation.allCases.map(\.rawValue))),
                    plan_expected text,
                    monitored_by text,
                    monitoring_evidence text,
                    monitoring_until text
                );
                CREATE TABLE assessments (
                    system_id text NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                    date text NOT NULL,
                    kind text NOT NULL \(oneOf("kind", Assessment.Kind.allCases.map(\.rawValue))),
                    assessor text NOT NULL,
                    result text NOT NULL,
                    PRIMARY KEY (system_id, date, kind, assessor)
                );
                CREATE TABLE hosts (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    agent_id text NOT NULL UNIQUE,
                    hostname text NOT NULL,
                    machine_id text,
                    os text,
                    agent_version text,
                    rules_version text,
                    system_id text NOT NULL REFERENCES systems(id) ON DELETE RESTRICT,
                    enrolled_at bigint NOT NULL,
                    last_seen bigint,
                    status text NOT NULL \(oneOf("status", ["active", "stale", "revoked"])),
                    replaced_by text
                );
                CREATE INDEX hosts_by_system ON hosts(system_id);
                -- A host name is held by one host at a time (a finding's fingerprint hashes it).
                CREATE UNIQUE INDEX hosts_by_current_name ON hosts(lower(hostname)) WHERE replaced_by IS NULL;
                CREATE INDEX hosts_by_machine ON hosts(machine_id) WHERE machine_id IS NOT NULL;
                -- Record ids already stored, per host, as 16 bytes of their SHA-256: a batch re-sent,
                -- to this collector or another, is recognised and not counted twice.
                CREATE TABLE records (
                    host bigint NOT NULL REFERENCES hosts(id),
                    id bytea NOT NULL,
                    PRIMARY KEY (host, id)
                );
                CREATE TABLE rule_titles (
                    rule text PRIMARY KEY,
                    title_vi text NOT NULL,
                    title_en text NOT NULL
                );
                -- One finding per host and fingerprint: the unique index is what keeps two collectors
                -- from both adding it.
                CREATE TABLE findings (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    fingerprint text NOT NULL,
                    rule text NOT NULL,
                    entity text NOT NULL,
                    host text NOT NULL,
                    host_id bigint NOT NULL REFERENCES hosts(id),
                    system_id text NOT NULL REFERENCES systems(id),
                    severity integer NOT NULL CHECK (severity BETWEEN 0 AND 4),
                    status text NOT NULL \(oneOf("status", ["open", "acknowledged", "resolved", "excepted"])),
                    outcome text NOT NULL \(oneOf("outcome", ["fail", "pass", "error"])),
                    count bigint NOT NULL,
                    first_seen bigint NOT NULL,
                    last_seen bigint NOT NULL,
                    requirements text NOT NULL,
                    evidence text NOT NULL,
                    reason text,
                    excepted_until bigint,
                    assignee text,
                    -- Also the index of a look-up by fingerprint alone (a person's, across hosts).
                    UNIQUE (fingerprint, host_id)
                );
                -- Each ends in (last_seen, id), the order queries list findings in, so that a filter
                -- walks one index backwards and stops at its limit (SQLite's indexes end in the row id
                -- by themselves; without it, findings seen at the same moment were sorted whole).
                CREATE INDEX findings_by_system ON findings(system_id, last_seen, id);
                CREATE INDEX findings_by_host ON findings(host, last_seen, id);
                CREATE INDEX findings_by_rule ON findings(rule, last_seen, id);
                CREATE INDEX findings_by_status ON findings(status, last_seen, id);
                CREATE INDEX findings_by_last_seen ON findings(last_seen, id);
                -- The console's search for a piece of text inside entities.
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX findings_by_entity ON findings USING gin (entity gin_trgm_ops);
                CREATE TABLE finding_transitions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    finding bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
                    at bigint NOT NULL,
                    from_status text,
                    to_status text NOT NULL,
                    actor text NOT NULL,
                    reason text
                );
                CREATE INDEX transitions_by_finding ON finding_transitions(finding, id);
                CREATE TABLE users (
                    name text PRIMARY KEY,
                    role text NOT NULL \(oneOf("role", ["viewer", "analyst", "admin"])),
                    token_sha256 text NOT NULL UNIQUE,
                    created_at bigint NOT NULL
                );
                CREATE TABLE enrollment_tokens (
                    id text PRIMARY KEY,
                    token_sha256 text NOT NULL UNIQUE,
                    system_id text NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                    expires_at bigint NOT NULL,
                    uses_left integer NOT NULL,
                    created_by text NOT NULL,
                    created_at bigint NOT NULL
                );
                CREATE TABLE audit_log (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    at bigint NOT NULL,
                    actor text NOT NULL,
                    action text NOT NULL,
                    target text NOT NULL,
                    detail text
                );
                CREATE TABLE certificates (
                    fingerprint text PRIMARY KEY,
                    subject text NOT NULL,
                    issuer text NOT NULL,
                    names text NOT NULL,
                    not_before bigint NOT NULL,
                    not_after bigint NOT NULL,
                    key text NOT NULL,
                    signature text NOT NULL
                );
                CREATE INDEX certificates_by_expiry ON certificates(not_after);
                CREATE TABLE certificate_places (
                    fingerprint text NOT NULL REFERENCES certificates(fingerprint) ON DELETE CASCADE,
                    host text NOT NULL,
                    system_id text NOT NULL,
                    place text NOT NULL,
                    first_seen bigint NOT NULL,
                    last_seen bigint NOT NULL,
                    PRIMARY KEY (fingerprint, host, place)
                );
                CREATE TABLE attestations (
                    system_id text NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                    requirement text NOT NULL,
                    evidence text NOT NULL,
                    attested_by text NOT NULL,
                    attested_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    PRIMARY KEY (system_id, requirement, attested_at)
                );
                -- Written in the transaction of the change that causes each message; (key, channel)
                -- is unique, so none is queued twice. A collector about to send a message claims it
                -- until `claimed_until`, so that another collector does not send it too; a claim
                -- left by a collector that died runs out and the message is sent again.
                CREATE TABLE alert_outbox (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    key text NOT NULL,
                    channel text NOT NULL,
                    kind text NOT NULL \(oneOf("kind", ["alert", "digest", "test"])),
                    system_id text NOT NULL,
                    rule text NOT NULL,
                    message text NOT NULL,
                    created_at bigint NOT NULL,
                    state text NOT NULL DEFAULT 'pending' \(oneOf("state", ["pending", "sent", "dead", "suppressed", "digested"])),
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at bigint NOT NULL,
                    sent_at bigint,
                    last_error text,
                    held text,
                    claimed_until bigint,
                    claimed_by text,
                    UNIQUE (key, channel)
                );
                CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at, id) WHERE state = 'pending';
                CREATE INDEX alert_outbox_state ON alert_outbox(state, id);
                CREATE INDEX alert_outbox_sent ON alert_outbox(channel, sent_at) WHERE state = 'sent';
                CREATE INDEX alert_outbox_suppressed ON alert_outbox(channel, system_id, rule) WHERE state = 'suppressed';
                CREATE TABLE host_days (
                    host bigint NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
                    day bigint NOT NULL,
                    PRIMARY KEY (host, day)
                );
                CREATE INDEX host_days_by_day ON host_days(day);
                CREATE TABLE console_sessions (
                    id_sha256 text PRIMARY KEY,
                    user_name text NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    csrf text NOT NULL,
                    created_at bigint NOT NULL,
                    last_seen bigint NOT NULL,
                    revoked_at bigint
                );
                CREATE TABLE finding_notes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    finding bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
                    at bigint NOT NULL,
                    actor text NOT NULL,
                    kind text NOT NULL \(oneOf("kind", ["comment", "assignment"])),
                    text text NOT NULL
                );
                CREATE INDEX finding_notes_by_finding ON finding_notes(finding, id);
                -- How many findings each (system, rule, status, severity) holds: ingest adds its new
                -- findings once per batch; these triggers move a finding that changes tally, or
                -- remove one. Each count is split over 16 shards by host (readers sum them): one row
                -- per tally would be locked by every batch of the system until it commits, and
                -- batches of different hosts would wait for each other. A shard may go below zero
                -- (a finding moved to another host is taken from the new host's shard); sums hold.
                CREATE TABLE finding_tallies (
                    system_id text NOT NULL,
                    rule text NOT NULL,
                    status text NOT NULL,
                    severity integer NOT NULL,
                    shard integer NOT NULL,
                    count bigint NOT NULL,
                    PRIMARY KEY (system_id, rule, status, severity, shard)
                );
                CREATE FUNCTION finding_tallies_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO finding_tallies (system_id, rule, status, severity, shard, count)
                    VALUES (OLD.system_id, OLD.rule, OLD.status, OLD.severity, OLD.host_id % 16, -1)
                    ON CONFLICT (system_id, rule, status, severity, shard) DO UPDATE SET count = finding_tallies.count - 1;
                    IF TG_OP = 'UPDATE' THEN
                        INSERT INTO finding_tallies (system_id, rule, status, severity, shard, count)
                        VALUES (NEW.system_id, NEW.rule, NEW.status, NEW.severity, NEW.host_id % 16, 1)
                        ON CONFLICT (system_id, rule, status, severity, shard) DO UPDATE SET count = finding_tallies.count + 1;
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER finding_tallies_move AFTER UPDATE OF system_id, rule, status, severity ON findings
                    FOR EACH ROW WHEN (OLD.system_id IS DISTINCT FROM NEW.system_id OR OLD.rule IS DISTINCT FROM NEW.rule
                        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.severity IS DISTINCT FROM NEW.severity)
                    EXECUTE FUNCTION finding_tallies_change();
                CREATE TRIGGER finding_tallies_delete AFTER DELETE ON findings
                    FOR EACH ROW EXECUTE FUNCTION finding_tallies_change();
                """),
        Migration(
            version: 2, name: "rule packs published, assigned, refused (SQLite store version 12)",
            sql: """
                CREATE TABLE rule_packs (
                    version text PRIMARY KEY,
                    name text NOT NULL,
                    minimum_agent_version text NOT NULL,
                    sha256 text NOT NULL,
                    key_id text NOT NULL,
                    size integer NOT NULL,
                    archive bytea NOT NULL,
                    signature text NOT NULL,
                    published_at bigint NOT NULL,
                    published_by text NOT NULL
                );
                CREATE TABLE rule_pack_assignments (
                    system_id text REFERENCES systems(id) ON DELETE CASCADE,
                    version text NOT NULL REFERENCES rule_packs(version),
                    assigned_at bigint NOT NULL,
                    assigned_by text NOT NULL
                );
                CREATE UNIQUE INDEX rule_pack_assignments_by_system ON rule_pack_assignments((coalesce(system_id, '')));
                ALTER TABLE hosts ADD COLUMN rules_failure text;
                """),
    ]
}
