public import CanhModel
import Foundation
import GRDB

/// The agent's durable, bounded queue of records waiting for the collector (SPEC §6), with the
/// readers' checkpoints beside them.
///
/// One SQLite file in the state directory: records and the checkpoint of the reader that produced
/// them are written in one transaction, so after a crash either both are there (the records will
/// be sent, the reader resumes after them) or neither (the reader reads the same entries again and
/// produces the same record ids, which the collector de-duplicates). Nothing is lost and nothing
/// is counted twice. When the spool is over its size, the least severe, oldest records go first,
/// and what was dropped is tallied for the daemon to report as a finding.
public final class Spool: Sendable {
    /// A record waiting to be delivered: its position and its JSON text (SPEC §5).
    public struct Pending: Sendable, Equatable {
        public var sequence: Int64
        public var json: [UInt8]
    }

    /// Where a reader is: an opaque position (a journal cursor) and its aggregation state.
    public struct Checkpoint: Sendable, Equatable {
        public var position: String
        public var state: [UInt8]

        public init(position: String, state: [UInt8]) {
            self.position = position
            self.state = state
        }
    }

    /// Why records were lost before reaching the collector.
    public enum DropCause: String, Sendable, CaseIterable {
        /// The spool was over its size: the least severe, oldest records went.
        case spoolFull = "spool_full"
        /// The collector refused the record itself (4xx for that record alone).
        case refused
    }

    /// Records lost for one cause, by severity, not yet reported.
    public struct Dropped: Sendable, Equatable {
        public var cause: DropCause
        public var counts: [Severity: Int]
        public var oldest: Timestamp?
        public var newest: Timestamp?
        /// The collector's last message, for refused records.
        public var reason: String?

        public var isEmpty: Bool { counts.isEmpty }
        public var total: Int { counts.values.reduce(0, +) }
    }

    /// The spool's file.
    public let path: String
    private let queue: DatabaseQueue
    private let capacityBytes: Int64

    /// Opens (creating if needed) the spool at `path`, holding at most `capacityBytes` of records.
    public init(path: String, capacityBytes: Int64) throws(SpoolError) {
        self.capacityBytes = capacityBytes
        self.path = path
        if let problem = PrivateFiles.restrictDatabase(at: path) { throw .storage(problem) }
        do {
            var configuration = Configuration()
            // WAL lets `canh-agent status` read while the daemon writes; FULL syncs each commit, so
            // a checkpoint is on disk before the journal is read further.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
            }
            configuration.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            do {
                try Self.migrator.migrate(queue)
            } catch {
                // `canh-agent status` may open a new spool while the daemon creates it: both read
                // "nothing applied", one creates the tables, the other then fails to. Reading again
                // sees the migration applied; a real failure fails again and is reported.
                try Self.migrator.migrate(queue)
            }
        } catch {
            throw .storage("\(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1 records and checkpoints") { db in
            try db.execute(
                sql: """
                    CREATE TABLE records (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        severity INTEGER NOT NULL,
                        time INTEGER NOT NULL,
                        json BLOB NOT NULL
                    );
                    -- What goes first when the spool is full: least severe, then oldest.
                    CREATE INDEX records_by_severity ON records(severity, sequence);
                    -- The records' total size, kept by triggers so that checking the capacity on every
                    -- append does not read the whole spool.
                    CREATE TABLE size (bytes INTEGER NOT NULL);
                    INSERT INTO size (bytes) VALUES (0);
                    CREATE TRIGGER size_after_insert AFTER INSERT ON records BEGIN
                        UPDATE size SET bytes = bytes + length(NEW.json);
                    END;
                    CREATE TRIGGER size_after_delete AFTER DELETE ON records BEGIN
                        UPDATE size SET bytes = bytes - length(OLD.json);
                    END;
                    CREATE TABLE checkpoints (
                        reader TEXT PRIMARY KEY NOT NULL,
                        position TEXT NOT NULL,
                        state BLOB NOT NULL
                    );
                    -- Records lost, by cause (spool full, refused by the collector) and severity, until
                    -- the daemon reports them in a finding.
                    CREATE TABLE dropped (
                        cause TEXT NOT NULL,
                        severity INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        oldest INTEGER NOT NULL,
                        newest INTEGER NOT NULL,
                        reason TEXT,
                        PRIMARY KEY (cause, severity)
                    );
                    -- What `canh-agent status` shows: last delivery, last heartbeat, last error.
                    CREATE TABLE facts (
                        name TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// Adds records and, in the same transaction, the checkpoint of the reader that produced
    /// them. Returns how many records were dropped to stay within the capacity.
    @discardableResult
    public func append(_ records: [FindingRecord], reader: String? = nil, checkpoint: Checkpoint? = nil) throws(SpoolError) -> Int {
        let encoded = records.map { record in
            (record.severity.rank, record.time.microsecondsSinceEpoch, Array(record.json.serialized.utf8))
        }
        return try write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO records (severity, time, json) VALUES (?, ?, ?)")
            for (severity, time, json) in encoded { try insert.execute(arguments: [severity, time, Data(json)]) }
            if let reader, let checkpoint {
                try db.execute(
                    sql: """
                        INSERT INTO checkpoints (reader, position, state) VALUES (?, ?, ?)
                        ON CONFLICT (reader) DO UPDATE SET position = excluded.position, state = excluded.state
                        """, arguments: [reader, checkpoint.position, Data(checkpoint.state)])
            }
            return try self.trim(db)
        }
    }

    /// Drops the least severe, oldest records until the spool fits, tallying them.
    private func trim(_ db: Database) throws -> Int {
        var size = try Int64.fetchOne(db, sql: "SELECT bytes FROM size") ?? 0
        var dropped = 0
        while size > capacityBytes {
            let victims = try Row.fetchAll(
                db, sql: "SELECT sequence, severity, time, length(json) AS bytes FROM records ORDER BY severity, sequence LIMIT 256")
            guard !victims.isEmpty else { break }
            for victim in victims where size > capacityBytes {
                try db.execute(sql: "DELETE FROM records WHERE sequence = ?", arguments: [victim["sequence"] as Int64])
                try Self.tally(db, cause: .spoolFull, severity: victim["severity"], time: victim["time"], reason: nil)
                size -= victim["bytes"]
                dropped += 1
            }
        }
        return dropped
    }

    private static func tally(_ db: Database, cause: DropCause, severity: Int, time: Int64, reason: String?) throws {
        try db.execute(
            sql: """
                INSERT INTO dropped (cause, severity, count, oldest, newest, reason) VALUES (?1, ?2, 1, ?3, ?3, ?4)
                ON CONFLICT (cause, severity) DO UPDATE
                SET count = count + 1, oldest = min(oldest, ?3), newest = max(newest, ?3), reason = coalesce(?4, reason)
                """, arguments: [cause.rawValue, severity, time, reason])
    }

    /// Removes a record the collector refused on its own (it can never be delivered), tallying it
    /// with the collector's message for the daemon to report.
    public func reject(_ sequence: Int64, reason: String) throws(SpoolError) {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT severity, time FROM records WHERE sequence = ?", arguments: [sequence])
            else { return }
            try db.execute(sql: "DELETE FROM records WHERE sequence = ?", arguments: [sequence])
            try Self.tally(db, cause: .refused, severity: row["severity"], time: row["time"], reason: reason)
        }
    }

    /// The oldest records waiting, at most `limit`.
    public func pending(limit: Int) throws(SpoolError) -> [Pending] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, json FROM records ORDER BY sequence LIMIT ?", arguments: [limit]).map { row in
                Pending(sequence: row["sequence"], json: Array(row["json"] as Data))
            }
        }
    }

    /// Forgets records the collector has acknowledged (stored).
    public func acknowledge(_ sequences: [Int64]) throws(SpoolError) {
        try write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM records WHERE sequence = ?")
            for sequence in sequences { try delete.execute(arguments: [sequence]) }
        }
    }

    /// The reader's last checkpoint, if it ever saved one.
    public func checkpoint(reader: String) throws(SpoolError) -> Checkpoint? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT position, state FROM checkpoints WHERE reader = ?", arguments: [reader]).map { row in
                Checkpoint(position: row["position"], state: Array(row["state"] as Data))
            }
        }
    }

    /// Records waiting and their size in bytes, for heartbeats and `canh-agent status`.
    public func depth() throws(SpoolError) -> (records: Int, bytes: Int64) {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT (SELECT count(*) FROM records) AS records, bytes FROM size")
            return (row?["records"] ?? 0, row?["bytes"] ?? 0)
        }
    }

    /// What was lost since the last report, by cause; with `report`, the tally is cleared and the
    /// record `report` makes of it is spooled in the same transaction, so a crash can neither
    /// lose the report nor send it twice.
    @discardableResult
    public func reportDropped(_ report: (Dropped) -> FindingRecord?) throws(SpoolError) -> [FindingRecord] {
        try write { db in
            var reports: [FindingRecord] = []
            for cause in DropCause.allCases {
                var dropped = Dropped(cause: cause, counts: [:])
                for row in try Row.fetchAll(db, sql: "SELECT * FROM dropped WHERE cause = ?", arguments: [cause.rawValue]) {
                    let severity = Severity(rank: row["severity"]) ?? .info
                    dropped.counts[severity] = row["count"]
                    let oldest = Timestamp(microsecondsSinceEpoch: row["oldest"])
                    let newest = Timestamp(microsecondsSinceEpoch: row["newest"])
                    dropped.oldest = min(dropped.oldest ?? oldest, oldest)
                    dropped.newest = max(dropped.newest ?? newest, newest)
                    dropped.reason = dropped.reason ?? row["reason"]
                }
                guard !dropped.isEmpty, let record = report(dropped) else { continue }
                try db.execute(sql: "DELETE FROM dropped WHERE cause = ?", arguments: [cause.rawValue])
                try db.execute(
                    sql: "INSERT INTO records (severity, time, json) VALUES (?, ?, ?)",
                    arguments: [record.severity.rank, record.time.microsecondsSinceEpoch, Data(record.json.serialized.utf8)])
                reports.append(record)
            }
            return reports
        }
    }

    /// Remembers a fact for `canh-agent status` (last delivery, last error…).
    public func setFact(_ name: String, _ value: String) throws(SpoolError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO facts (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                arguments: [name, value])
        }
    }

    /// Every fact remembered.
    public func facts() throws(SpoolError) -> [String: String] {
        try read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT name, value FROM facts").map { ($0["name"] as String, $0["value"] as String) },
                uniquingKeysWith: { $1 })
        }
    }

    private func write<Value>(_ body: (Database) throws -> Value) throws(SpoolError) -> Value {
        do { return try queue.write(body) } catch { throw .storage("\(error)") }
    }

    private func read<Value>(_ body: (Database) throws -> Value) throws(SpoolError) -> Value {
        do { return try queue.read(body) } catch { throw .storage("\(error)") }
    }
}

/// Why the spool cannot be used, worded for the sysadmin.
public enum SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    case storage(String)

    public var description: String {
        switch self {
        case .storage(let why): "the spool cannot be written or read: \(why)"
        }
    }
}
