import CollectorStore
import PostgresNIO

/// Applies `PostgresSchema.migrations` in order, each in its own transaction, under an advisory
/// lock held for the transaction: a second collector started at the same moment waits, then finds
/// the work done.
struct PostgresMigrator {
    let pool: PostgresConnectionPool

    /// The newest version applied, 0 for an empty database.
    func currentVersion() async throws(StoreError) -> Int {
        try await pool.read { connection in
            guard
                try await connection.query("SELECT to_regclass('canh_migrations') IS NOT NULL", logger: pool.logger).scalar(Bool.self)
                    == true
            else { return 0 }
            return try await connection.query("SELECT coalesce(max(version), 0) FROM canh_migrations", logger: pool.logger)
                .scalar(Int.self) ?? 0
        }
    }

    func migrate() async throws(StoreError) -> [Int] {
        var applied: [Int] = []
        for migration in PostgresSchema.migrations {
            let done = try await pool.write { connection in
                try await connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: pool.logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS canh_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: pool.logger)
                guard
                    try await connection.query(
                        "SELECT 1 FROM canh_migrations WHERE version = \(migration.version)", logger: pool.logger
                    ).scalar(Int.self) == nil
                else { return false }
                for statement in PostgresSchema.statements(of: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: pool.logger)
                }
                try await connection.query(
                    "INSERT INTO canh_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: pool.logger)
                return true
            }
            if done { applied.append(migration.version) }
        }
        let newest = try await currentVersion()
        guard newest <= (PostgresSchema.migrations.last?.version ?? 0) else {
            throw .database("the database is at schema version \(newest), newer than this collector knows; upgrade the collector")
        }
        return applied
    }
}

/// The advisory locks that let one collector at a time do periodic work (any fixed numbers).
enum PostgresSweeps {
    static let statistics: Int64 = 0x6361_6E68_0002
    static let staleHosts: Int64 = 0x6361_6E68_0003
    static let digests: Int64 = 0x6361_6E68_0004
}
