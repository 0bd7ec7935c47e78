import Alerts
import CanhModel
import Foundation
import GRDB
import TestSupport
import Testing

@testable import CollectorStore

/// A store written by the version that only queued alerts (schema 5) opens with delivery
/// (schema 6) and keeps every queued message, readable and deliverable.
@Suite struct AlertOutboxMigrationTests {
    @Test("messages queued before delivery existed survive the migration with their kind, rule and severity")
    func version5MessagesSurvive() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("canh.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "5 alert outbox")
            // As version 5 wrote it: no kind, rule or severity at the top level.
            let message = """
                {"alert_rule":"soc","at":"2026-11-22T03:00:00Z","finding":{"count":1,"entity":"web01","evidence":"{}",\
                "fingerprint":"f1","first_seen":"2026-11-22T03:00:00Z","host":"web01","last_seen":"2026-11-22T03:00:00Z",\
                "outcome":"fail","requirements":[],"rule":"ssh.config.root_login","severity":"high","status":"open",\
                "system":"hy-dvc","title":{"en":"Root","vi":"Root"}},"host":"web01","key":"k1",\
                "system":{"dossier":"none","id":"hy-dvc","level":3,"name":"Cổng","owner":"UBND"},"transition":"open"}
                """
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO alert_outbox (key, channel, message, created_at, next_attempt_at)
                        VALUES ('k1', 'soc', ?, 1, 1), ('k1', 'siem', ?, 1, 1)
                        """, arguments: [message, message])
            }
            try pool.close()
        }
        let store = try SQLiteCollectorStore(path: path)
        let queued = try await store.queuedAlerts(state: .pending, limit: 10)
        #expect(queued.map(\.channel).sorted() == ["siem", "soc"])
        let first = try #require(queued.first?.message)
        #expect(first.kind == .alert)
        #expect(first.rule == "ssh.config.root_login")
        #expect(first.severity == .high)
        #expect(first.transition == .opened)
        #expect(try await store.dueAlerts(at: .at("2026-11-22T04:00:00Z"), limit: 10).count == 2)
        #expect(
            try await store.sentAlerts(channel: "soc", system: "hy-dvc", rule: "ssh.config.root_login", since: .at("2020-01-01T00:00:00Z"))
                == 0)
    }
}
