import CanhModel
import GRDB

/// The collector's tables, as numbered migrations: a database is brought forward one step at a
/// time, so a collector upgraded after months opens its old store. From the first release on,
/// migrations are only ever appended; before it (no store exists outside development) migration 1
/// is still the working schema.
enum SQLiteSchema {
    /// `column = 'a' OR column = 'b' …`: SQLite evaluates `column IN ('a', 'b', 'c')` by building a
    /// temporary b-tree for every row written, which cost about a tenth of ingest.
    static func oneOf(_ column: String, _ values: [String]) -> String {
        "CHECK (" + values.map { "\(column) = '\($0)'" }.joined(separator: " OR ") + ")"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1 inventory and findings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE systems (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        operator TEXT,
                        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
                        dossier TEXT NOT NULL \(oneOf("dossier", ["none", "submitted", "approved"])),
                        decision_number TEXT,
                        decision_date TEXT
                    );
                    CREATE TABLE hosts (
                        id INTEGER PRIMARY KEY,
                        agent_id TEXT NOT NULL UNIQUE,
                        hostname TEXT NOT NULL,
                        machine_id TEXT,
                        os TEXT,
                        agent_version TEXT,
                        rules_version TEXT,
                        system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE RESTRICT,
                        enrolled_at INTEGER NOT NULL,
                        last_seen INTEGER,
                        status TEXT NOT NULL \(oneOf("status", ["active", "stale", "revoked"]))
                    );
                    CREATE INDEX hosts_by_system ON hosts(system_id);
                    -- Record ids already stored, per host, as 16 bytes of their SHA-256: a re-sent batch is
                    -- recognised and not counted twice, and no agent can pre-empt another's ids.
                    CREATE TABLE records (
                        host INTEGER NOT NULL REFERENCES hosts(id),
                        id BLOB NOT NULL,
                        PRIMARY KEY (host, id)
                    ) WITHOUT ROWID;
                    -- Titles once per rule, not once per finding.
                    CREATE TABLE rule_titles (
                        rule TEXT PRIMARY KEY NOT NULL,
                        title_vi TEXT NOT NULL,
                        title_en TEXT NOT NULL
                    ) WITHOUT ROWID;
                    -- Secondary indexes end in last_seen and point at the integer row id, so that a
                    -- filtered query walks one index newest first and stops at its limit. A finding
                    -- is found by its host and `key`, the first 8 bytes of its fingerprint: a batch comes
                    -- from one host, so its look-ups and inserts touch a few pages of that host's range
                    -- instead of one random page each (a unique index on the 64-character text was
                    -- both random and four times larger).
                    CREATE TABLE findings (
                        id INTEGER PRIMARY KEY,
                        key INTEGER NOT NULL,
                        fingerprint TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        entity TEXT NOT NULL,
                        host TEXT NOT NULL,
                        host_id INTEGER NOT NULL REFERENCES hosts(id),
                        system_id TEXT NOT NULL REFERENCES systems(id),
                        severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
                        status TEXT NOT NULL \(oneOf("status", ["open", "acknowledged", "resolved", "excepted"])),
                        outcome TEXT NOT NULL \(oneOf("outcome", ["fail", "pass", "error"])),
                        count INTEGER NOT NULL,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        requirements TEXT NOT NULL,
                        evidence TEXT NOT NULL,
                        reason TEXT,
                        excepted_until INTEGER
                    );
                    CREATE INDEX findings_by_host_key ON findings(host_id, key);
                    CREATE INDEX findings_by_system ON findings(system_id, last_seen);
                    CREATE INDEX findings_by_host ON findings(host, last_seen);
                    CREATE INDEX findings_by_rule ON findings(rule, last_seen);
                    CREATE INDEX findings_by_status ON findings(status, last_seen);
                    CREATE TABLE finding_transitions (
                        id INTEGER PRIMARY KEY,
                        finding INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
                        at INTEGER NOT NULL,
                        from_status TEXT,
                        to_status TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        reason TEXT
                    );
                    CREATE INDEX transitions_by_finding ON finding_transitions(finding, id);
                    """)
        }
        migrator.registerMigration("2 users, enrollment tokens, audit log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        name TEXT PRIMARY KEY NOT NULL,
                        role TEXT NOT NULL \(oneOf("role", ["viewer", "analyst", "admin"])),
                        token_sha256 TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE enrollment_tokens (
                        id TEXT PRIMARY KEY NOT NULL,
                        token_sha256 TEXT NOT NULL UNIQUE,
                        system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                        expires_at INTEGER NOT NULL,
                        uses_left INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        detail TEXT
                    );
                    """)
        }
        migrator.registerMigration("3 certificates") { db in
            try db.execute(
                sql: """
                    CREATE TABLE certificates (
                        fingerprint TEXT PRIMARY KEY NOT NULL,
                        subject TEXT NOT NULL,
                        issuer TEXT NOT NULL,
                        names TEXT NOT NULL,
                        not_before INTEGER NOT NULL,
                        not_after INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        signature TEXT NOT NULL
                    );
                    CREATE INDEX certificates_by_expiry ON certificates(not_after);
                    CREATE TABLE certificate_places (
                        fingerprint TEXT NOT NULL REFERENCES certificates(fingerprint) ON DELETE CASCADE,
                        host TEXT NOT NULL,
                        system_id TEXT NOT NULL,
                        place TEXT NOT NULL,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        PRIMARY KEY (fingerprint, host, place)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("4 attestations") { db in
            // Kept with their history: a report shows the newest attestation of a requirement.
            try db.execute(
                sql: """
                    CREATE TABLE attestations (
                        system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                        requirement TEXT NOT NULL,
                        evidence TEXT NOT NULL,
                        attested_by TEXT NOT NULL,
                        attested_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (system_id, requirement, attested_at)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("5 alert outbox") { db in
            // Written in the transaction of the state change that causes each message, so a crash
            // loses none; (key, channel) is unique, so none is queued twice.
            try db.execute(
                sql: """
                    CREATE TABLE alert_outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        message TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending' \(oneOf("state", ["pending", "sent", "dead"])),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        UNIQUE (key, channel)
                    );
                    CREATE INDEX alert_outbox_due ON alert_outbox(state, next_attempt_at);
                    """)
        }
        migrator.registerMigration("6 alert delivery") { db in
            // Delivery needs what throttling groups by (system, rule), the kind of message, when it
            // was sent, and two more states; SQLite cannot widen a CHECK, so the table is rebuilt.
            // Messages queued by version 5 gain kind, rule and severity from their finding.
            try db.execute(
                sql: """
                    CREATE TABLE alert_outbox_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        kind TEXT NOT NULL \(oneOf("kind", ["alert", "digest", "test"])),
                        system_id TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        message TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending' \(oneOf("state", ["pending", "sent", "dead", "suppressed", "digested"])),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        sent_at INTEGER,
                        last_error TEXT,
                        held TEXT,
                        UNIQUE (key, channel)
                    );
                    INSERT INTO alert_outbox_new (id, key, channel, kind, system_id, rule, message, created_at, state, attempts,
                        next_attempt_at, last_error)
                    SELECT id, key, channel, 'alert', json_extract(message, '$.system.id'), json_extract(message, '$.finding.rule'),
                        json_set(message, '$.kind', 'alert', '$.rule', json_extract(message, '$.finding.rule'),
                            '$.severity', json_extract(message, '$.finding.severity')),
                        created_at, state, attempts, next_attempt_at, last_error
                    FROM alert_outbox;
                    DROP TABLE alert_outbox;
                    ALTER TABLE alert_outbox_new RENAME TO alert_outbox;
                    CREATE INDEX alert_outbox_due ON alert_outbox(state, next_attempt_at);
                    CREATE INDEX alert_outbox_sent ON alert_outbox(channel, sent_at) WHERE state = 'sent';
                    CREATE INDEX alert_outbox_suppressed ON alert_outbox(channel, system_id, rule) WHERE state = 'suppressed';
                    """)
        }
        migrator.registerMigration("7 one host per name") { db in
            // A host name is held by one host at a time, so that a finding's fingerprint (a hash
            // of host name, rule and entity) names one finding. A machine that enrolls again
            // replaces its old host explicitly. Names held twice before this migration are given
            // to the newest host; the older ones become replaced and revoked.
            try db.execute(
                sql: """
                    ALTER TABLE hosts ADD COLUMN replaced_by TEXT;
                    UPDATE hosts SET status = 'revoked', replaced_by = (
                        SELECT newest.agent_id FROM hosts newest WHERE newest.hostname = hosts.hostname COLLATE NOCASE
                        ORDER BY newest.id DESC LIMIT 1)
                    WHERE id <> (SELECT max(newest.id) FROM hosts newest WHERE newest.hostname = hosts.hostname COLLATE NOCASE);
                    CREATE UNIQUE INDEX hosts_by_current_name ON hosts(hostname COLLATE NOCASE) WHERE replaced_by IS NULL;
                    CREATE INDEX hosts_by_machine ON hosts(machine_id) WHERE machine_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("8 inventory facts") { db in
            // What the annual report (form Mẫu 08) and indicators 19 and 20 need about each system.
            // The dossier gains the drafting and appraised states; SQLite cannot widen a CHECK, so
            // the table is rebuilt, keeping every system and every reference to it.
            try db.execute(
                sql: """
                    CREATE TABLE systems_new (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        operator TEXT,
                        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
                        proposed_level INTEGER CHECK (proposed_level BETWEEN 1 AND 5),
                        dossier TEXT NOT NULL \(oneOf("dossier", DossierStatus.allCases.map(\.rawValue))),
                        decision_number TEXT,
                        decision_date TEXT,
                        decision_issuer TEXT,
                        appraisal_number TEXT,
                        appraisal_date TEXT,
                        appraisal_issuer TEXT,
                        expected_approval TEXT,
                        regulation_number TEXT,
                        regulation_date TEXT,
                        regulation_issuer TEXT,
                        security_unit TEXT,
                        contact_name TEXT,
                        contact_title TEXT,
                        contact_phone TEXT,
                        contact_email TEXT,
                        go_live TEXT,
                        plan TEXT NOT NULL DEFAULT 'none' \(oneOf("plan", PlanImplementation.allCases.map(\.rawValue))),
                        plan_expected TEXT
                    );
                    INSERT INTO systems_new (id, name, owner, operator, level, dossier, decision_number, decision_date)
                    SELECT id, name, owner, operator, level, dossier, decision_number, decision_date FROM systems;
                    DROP TABLE systems;
                    ALTER TABLE systems_new RENAME TO systems;
                    CREATE TABLE assessments (
                        system_id TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
                        date TEXT NOT NULL,
                        kind TEXT NOT NULL \(oneOf("kind", Assessment.Kind.allCases.map(\.rawValue))),
                        assessor TEXT NOT NULL,
                        result TEXT NOT NULL,
                        PRIMARY KEY (system_id, date, kind, assessor)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("9 reporting days, monitoring by other means") { db in
            // Indicator 20 of plan 155/KH-UBND asks whether every host reported at least daily
            // over a period: each heartbeat or batch marks its host's day (Vietnam time). Stores
            // from before know only each host's last day.
            try db.execute(
                sql: """
                    CREATE TABLE host_days (
                        host INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
                        day INTEGER NOT NULL,
                        PRIMARY KEY (host, day)
                    ) WITHOUT ROWID;
                    CREATE INDEX host_days_by_day ON host_days(day);
                    INSERT OR IGNORE INTO host_days (host, day)
                    SELECT id, (last_seen + 25200000000) / 86400000000 FROM hosts WHERE last_seen IS NOT NULL;
                    ALTER TABLE systems ADD COLUMN monitored_by TEXT;
                    ALTER TABLE systems ADD COLUMN monitoring_evidence TEXT;
                    ALTER TABLE systems ADD COLUMN monitoring_until TEXT;
                    """)
        }
        migrator.registerMigration("10 console sessions, assignment, notes") { db in
            // The web console (issue 23): sessions kept on the server by the SHA-256 of their
            // cookie, so that signing out or removing the user ends them at once; findings
            // assigned to a person; comments and assignments in a finding's timeline.
            try db.execute(
                sql: """
                    CREATE TABLE console_sessions (
                        id_sha256 TEXT PRIMARY KEY NOT NULL,
                        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                        csrf TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        revoked_at INTEGER
                    ) WITHOUT ROWID;
                    ALTER TABLE findings ADD COLUMN assignee TEXT;
                    CREATE TABLE finding_notes (
                        id INTEGER PRIMARY KEY,
                        finding INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        kind TEXT NOT NULL \(oneOf("kind", ["comment", "assignment"])),
                        text TEXT NOT NULL
                    );
                    CREATE INDEX finding_notes_by_finding ON finding_notes(finding, id);
                    -- How many findings each (system, rule, status, severity) holds, kept by triggers so
                    -- that the console's queue and overview count a million findings from a few
                    -- thousand rows. The triggers act only when a finding is added, removed, or moves
                    -- between tallies, not on every record folded into it.
                    CREATE TABLE finding_tallies (
                        system_id TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        status TEXT NOT NULL,
                        severity INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (system_id, rule, status, severity)
                    ) WITHOUT ROWID;
                    INSERT INTO finding_tallies (system_id, rule, status, severity, count)
                    SELECT system_id, rule, status, severity, count(*) FROM findings GROUP BY system_id, rule, status, severity;
                    CREATE TRIGGER finding_tallies_insert AFTER INSERT ON findings BEGIN
                        INSERT INTO finding_tallies (system_id, rule, status, severity, count)
                        VALUES (NEW.system_id, NEW.rule, NEW.status, NEW.severity, 1)
                        ON CONFLICT DO UPDATE SET count = count + 1;
                    END;
                    CREATE TRIGGER finding_tallies_delete AFTER DELETE ON findings BEGIN
                        UPDATE finding_tallies SET count = count - 1
                        WHERE system_id = OLD.system_id AND rule = OLD.rule AND status = OLD.status AND severity = OLD.severity;
                    END;
                    CREATE TRIGGER finding_tallies_move AFTER UPDATE OF system_id, rule, status, severity ON findings
                    WHEN OLD.system_id IS NOT NEW.system_id OR OLD.rule IS NOT NEW.rule OR OLD.status IS NOT NEW.status
                        OR OLD.severity IS NOT NEW.severity
                    BEGIN
                        UPDATE finding_tallies SET count = count - 1
                        WHERE system_id = OLD.system_id AND rule = OLD.rule AND status = OLD.status AND severity = OLD.severity;
                        INSERT INTO finding_tallies (system_id, rule, status, severity, count)
                        VALUES (NEW.system_id, NEW.rule, NEW.status, NEW.severity, 1)
                        ON CONFLICT DO UPDATE SET count = count + 1;
                    END;
                    """)
        }
        migrator.registerMigration("11 findings by entity, new findings tallied per batch") { db in
            // The console's text search looks for a piece of text inside entities (an address, a
            // user, a path): scanning this index is a tenth of scanning the findings themselves.
            // Ingest, the only writer of new findings, adds them to the tallies once per batch and
            // tally (`SQLiteCollectorStore.apply`): a trigger per new finding cost about a tenth of
            // ingest's instructions.
            try db.execute(
                sql: """
                    CREATE INDEX findings_by_entity ON findings(entity);
                    DROP TRIGGER IF EXISTS finding_tallies_insert;
                    """)
        }
        migrator.registerMigration("12 rule packs published, assigned, refused") { db in
            // A pack is small (hundreds of KiB) and published a few times a year: its bytes live
            // in the store, so every collector on one database serves the same ones.
            try db.execute(
                sql: """
                    CREATE TABLE rule_packs (
                        version TEXT PRIMARY KEY, name TEXT NOT NULL, minimum_agent_version TEXT NOT NULL, sha256 TEXT NOT NULL,
                        key_id TEXT NOT NULL, size INTEGER NOT NULL, archive BLOB NOT NULL, signature TEXT NOT NULL,
                        published_at INTEGER NOT NULL, published_by TEXT NOT NULL);
                    CREATE TABLE rule_pack_assignments (
                        system_id TEXT REFERENCES systems(id) ON DELETE CASCADE,
                        version TEXT NOT NULL REFERENCES rule_packs(version),
                        assigned_at INTEGER NOT NULL, assigned_by TEXT NOT NULL);
                    CREATE UNIQUE INDEX rule_pack_assignments_by_system ON rule_pack_assignments(coalesce(system_id, ''));
                    ALTER TABLE hosts ADD COLUMN rules_failure TEXT;
                    """)
        }
        return migrator
    }
}
