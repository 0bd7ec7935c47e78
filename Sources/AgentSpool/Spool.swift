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

    /// Records dropped because the spool was full, by severity, not yet reported.
    public struct Dropped: Sendable, Equatable {
        public var counts: [Severity: Int]
        public var oldest: Timestamp?
        public var newest: Timestamp?

        public var isEmpty: Bool { counts.isEmpty }
    }

    private let queue: DatabaseQueue
    private let capacityBytes: Int64

    /// Opens (creating if needed) the spool at `path`, holding at most `capacityBytes` of records.
    public init(path: String, capacityBytes: Int64) throws(SpoolError) {
        self.capacityBytes = capacityBytes
        do {
            queue = try DatabaseQueue(path: path)
            try Self.migrator.migrate(queue)
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
                    CREATE TABLE dropped (
                        severity INTEGER PRIMARY KEY,
                        count INTEGER NOT NULL,
                        oldest INTEGER NOT NULL,
                        newest INTEGER NOT NULL
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
                try db.execute(
                    sql: """
                        INSERT INTO dropped (severity, count, oldest, newest) VALUES (?1, 1, ?2, ?2)
                        ON CONFLICT (severity) DO UPDATE SET count = count + 1, oldest = min(oldest, ?2), newest = max(newest, ?2)
                        """, arguments: [victim["severity"] as Int, victim["time"] as Int64])
                size -= victim["bytes"]
                dropped += 1
            }
        }
        return dropped
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

    /// What was dropped since the last call, cleared in the same transaction.
    public func takeDropped() throws(SpoolError) -> Dropped {
        try write { db in
            var dropped = Dropped(counts: [:], oldest: nil, newest: nil)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM dropped") {
                let rank: Int = row["severity"]
                let severity = Severity(rank: rank) ?? .info
                dropped.counts[severity] = row["count"]
                let oldest = Timestamp(microsecondsSinceEpoch: row["oldest"])
                let newest = Timestamp(microsecondsSinceEpoch: row["newest"])
                dropped.oldest = min(dropped.oldest ?? oldest, oldest)
                dropped.newest = max(dropped.newest ?? newest, newest)
            }
            try db.execute(sql: "DELETE FROM dropped")
            return dropped
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
