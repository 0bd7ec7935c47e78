public import CanhModel
public import CollectorStore
import Foundation
import PostgresNIO

/// Published rule packs and which systems run which.
extension PostgresCollectorStore {
    public func addRulePack(_ release: RulePackRelease, archive: [UInt8], signature: String) async throws(StoreError) {
        try await pool.write { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO rule_packs (version, name, minimum_agent_version, sha256, key_id, size, archive, signature, published_at,
                    published_by)
                VALUES (\(release.version), \(release.name), \(release.minimumAgentVersion), \(release.sha256), \(release.keyID),
                    \(release.size), \(ByteBuffer(bytes: archive)), \(signature), \(release.publishedAt.microsecondsSinceEpoch),
                    \(release.publishedBy))
                ON CONFLICT (version) DO NOTHING RETURNING 1
                """, logger: pool.logger
            ).scalar(Int.self)
            guard inserted != nil else {
                throw StoreError.conflict("rule pack version \(release.version) is published already; publish a new version")
            }
        }
    }

    public func rulePacks() async throws(StoreError) -> [RulePackRelease] {
        try await pool.read { connection in
            try await connection.query(
                """
                SELECT version, name, minimum_agent_version, sha256, key_id, size, published_at, published_by FROM rule_packs
                ORDER BY published_at DESC, version DESC
                """, logger: pool.logger
            ).all { row in
                RulePackRelease(
                    version: try row.value("version"), name: try row.value("name"),
                    minimumAgentVersion: try row.value("minimum_agent_version"), sha256: try row.value("sha256"),
                    keyID: try row.value("key_id"), size: try row.value("size"), publishedAt: try row.time("published_at"),
                    publishedBy: try row.value("published_by"))
            }
        }
    }

    public func rulePackFiles(version: String) async throws(StoreError) -> (archive: [UInt8], signature: String)? {
        let files = try await pool.read { connection in
            try await connection.query("SELECT archive, signature FROM rule_packs WHERE version = \(version)", logger: pool.logger).first {
                row -> ([UInt8], String) in
                (Array(try row.value("archive", ByteBuffer.self).readableBytesView), try row.value("signature"))
            }
        }
        return files.map { (archive: $0.0, signature: $0.1) }
    }

    public func assignRulePack(_ assignments: [RulePackAssignment]) async throws(StoreError) {
        try await pool.write { connection in
            for assignment in assignments {
                guard
                    try await connection.query("SELECT 1 FROM rule_packs WHERE version = \(assignment.version)", logger: pool.logger)
                        .scalar(Int.self) != nil
                else { throw StoreError.notFound("rule pack version \(assignment.version); publish it first") }
                if let system = assignment.system {
                    guard
                        try await connection.query("SELECT 1 FROM systems WHERE id = \(system)", logger: pool.logger).scalar(Int.self)
                            != nil
                    else { throw StoreError.notFound("system \(system)") }
                }
                try await connection.execute(
                    "DELETE FROM rule_pack_assignments WHERE coalesce(system_id, '') = coalesce(\(assignment.system), '')",
                    logger: pool.logger)
                try await connection.execute(
                    """
                    INSERT INTO rule_pack_assignments (system_id, version, assigned_at, assigned_by)
                    VALUES (\(assignment.system), \(assignment.version), \(assignment.assignedAt.microsecondsSinceEpoch),
                        \(assignment.assignedBy))
                    """, logger: pool.logger)
            }
        }
    }

    public func rulePackAssignments() async throws(StoreError) -> [RulePackAssignment] {
        try await pool.read { connection in
            try await connection.query(
                "SELECT * FROM rule_pack_assignments ORDER BY system_id IS NOT NULL, system_id", logger: pool.logger
            ).all { row in
                RulePackAssignment(
                    system: try row.value("system_id"), version: try row.value("version"), assignedAt: try row.time("assigned_at"),
                    assignedBy: try row.value("assigned_by"))
            }
        }
    }
}
