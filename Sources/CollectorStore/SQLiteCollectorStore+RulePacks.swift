public import CanhModel
import Foundation
import GRDB

/// Published rule packs and which systems run which.
extension SQLiteCollectorStore {
    public func addRulePack(_ release: RulePackRelease, archive: [UInt8], signature: String) async throws(StoreError) {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM rule_packs WHERE version = ?", arguments: [release.version]) == nil else {
                throw StoreError.conflict("rule pack version \(release.version) is published already; publish a new version")
            }
            try db.execute(
                sql: """
                    INSERT INTO rule_packs (version, name, minimum_agent_version, sha256, key_id, size, archive, signature, published_at,
                        published_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    release.version, release.name, release.minimumAgentVersion, release.sha256, release.keyID, release.size, Data(archive),
                    signature, release.publishedAt.microsecondsSinceEpoch, release.publishedBy,
                ])
        }
    }

    public func rulePacks() async throws(StoreError) -> [RulePackRelease] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT version, name, minimum_agent_version, sha256, key_id, size, published_at, published_by FROM rule_packs
                    ORDER BY published_at DESC, version DESC
                    """
            ).map { row in
                RulePackRelease(
                    version: row["version"], name: row["name"], minimumAgentVersion: row["minimum_agent_version"], sha256: row["sha256"],
                    keyID: row["key_id"], size: row["size"], publishedAt: Timestamp(microsecondsSinceEpoch: row["published_at"]),
                    publishedBy: row["published_by"])
            }
        }
    }

    public func rulePackFiles(version: String) async throws(StoreError) -> (archive: [UInt8], signature: String)? {
        let files = try await read { db -> RulePackFiles? in
            try Row.fetchOne(db, sql: "SELECT archive, signature FROM rule_packs WHERE version = ?", arguments: [version]).map { row in
                let archive: Data = row["archive"]
                return RulePackFiles(archive: Array(archive), signature: row["signature"])
            }
        }
        return files.map { (archive: $0.archive, signature: $0.signature) }
    }

    public func assignRulePack(_ assignments: [RulePackAssignment]) async throws(StoreError) {
        try await write { db in
            for assignment in assignments {
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM rule_packs WHERE version = ?", arguments: [assignment.version]) != nil else {
                    throw StoreError.notFound("rule pack version \(assignment.version); publish it first")
                }
                if let system = assignment.system,
                    try Row.fetchOne(db, sql: "SELECT 1 FROM systems WHERE id = ?", arguments: [system]) == nil
                {
                    throw StoreError.notFound("system \(system)")
                }
                try db.execute(
                    sql: "DELETE FROM rule_pack_assignments WHERE coalesce(system_id, '') = coalesce(?, '')", arguments: [assignment.system]
                )
                try db.execute(
                    sql: "INSERT INTO rule_pack_assignments (system_id, version, assigned_at, assigned_by) VALUES (?, ?, ?, ?)",
                    arguments: [assignment.system, assignment.version, assignment.assignedAt.microsecondsSinceEpoch, assignment.assignedBy])
            }
        }
    }

    public func rulePackAssignments() async throws(StoreError) -> [RulePackAssignment] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rule_pack_assignments ORDER BY system_id IS NOT NULL, system_id").map { row in
                RulePackAssignment(
                    system: row["system_id"], version: row["version"], assignedAt: Timestamp(microsecondsSinceEpoch: row["assigned_at"]),
                    assignedBy: row["assigned_by"])
            }
        }
    }
}

private struct RulePackFiles: Sendable {
    var archive: [UInt8]
    var signature: String
}
