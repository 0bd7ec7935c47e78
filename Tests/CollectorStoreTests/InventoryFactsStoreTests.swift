import CanhModel
import Foundation
import GRDB
import TestSupport
import Testing

@testable import CollectorStore

/// The inventory facts of the annual report: a store written before them (schema 7) keeps its
/// systems, hosts and findings' references, and every fact round-trips.
@Suite struct InventoryFactsStoreTests {
    @Test("a schema-7 store keeps its systems and hosts; the new facts start unknown")
    func version7StoreMigrates() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("canh.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "7 one host per name")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO systems (id, name, owner, operator, level, dossier, decision_number, decision_date)
                        VALUES ('hy-dvc', 'Cổng dịch vụ công', 'UBND tỉnh', 'Sở KH&CN', 3, 'approved', '1234/QĐ-UBND', '2025-06-30'),
                               ('hy-mail', 'Thư điện tử', 'Sở KH&CN', NULL, 2, 'submitted', NULL, NULL);
                        INSERT INTO hosts (agent_id, hostname, system_id, enrolled_at, status) VALUES ('a1', 'web01', 'hy-dvc', 1, 'active');
                        """)
            }
            try pool.close()
        }
        let store = try SQLiteCollectorStore(path: path)
        let systems = try await store.systems()
        #expect(systems.map(\.id) == ["hy-dvc", "hy-mail"])
        let portal = try #require(systems.first)
        #expect(portal.dossier == .approved && portal.decisionNumber == "1234/QĐ-UBND" && portal.decisionDate == "2025-06-30")
        #expect(portal.operatorUnit == "Sở KH&CN" && portal.level.rawValue == 3)
        #expect(portal.plan == .none && portal.goLive == nil && portal.assessments.isEmpty && portal.proposedLevel == nil)
        #expect(try await store.hosts(system: "hy-dvc").map(\.hostname) == ["web01"], "hosts still point at their system")
    }

    @Test("every fact of a system round-trips, and its assessments are replaced as a whole", arguments: StoreKind.allCases)
    func factsRoundTrip(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        let store = try await kind.makeStore(in: directory)
        var system = InformationSystem(
            id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", operatorUnit: "Sở KH&CN",
            level: Level(rawValue: 3) ?? .lowest, proposedLevel: Level(rawValue: 3), dossier: .approved, decisionNumber: "1234/QĐ-UBND",
            decisionDate: "2025-06-30", decisionIssuer: "UBND tỉnh Hưng Yên",
            appraisal: Decision(number: "56/BC-SKHCN", date: "2025-06-01", issuer: "Sở KH&CN"), expectedApproval: nil,
            regulation: Decision(number: "1479/QĐ-UBND", date: "2025-10-22", issuer: "UBND tỉnh Hưng Yên"),
            securityUnit: "Trung tâm Công nghệ thông tin và Truyền thông",
            contact: Contact(name: "Nguyễn Văn An", title: "Phó Giám đốc", phone: "0221 3 555 555", email: "an@hungyen.gov.vn"),
            goLive: "2019-05-01", plan: .partial, planExpected: "2027-06-30",
            assessments: [
                Assessment(date: "2019-04-20", kind: .beforeUse, assessor: "Cục ATTT", result: "đạt"),
                Assessment(date: "2026-03-15", kind: .periodic, assessor: "Công ty B", result: "đạt có điều kiện"),
            ])
        try await store.addSystem(system)
        #expect(try await store.system(id: "hy-dvc") == system)
        system.assessments.removeFirst()
        system.contact = nil
        system.plan = .full
        try await store.updateSystem(system)
        #expect(try await store.system(id: "hy-dvc") == system)
        #expect(try await store.systems() == [system])
    }
}

/// The days each host reported on, for indicator 20 of plan 155/KH-UBND.
@Suite struct ReportingDaysStoreTests {
    @Test("a heartbeat marks its host's day in Vietnam's time, once per day; a store from before knows each host's last day")
    func heartbeatsMarkDays() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("canh.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(pool, upTo: "8 inventory facts")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO systems (id, name, owner, level, dossier) VALUES ('hy-dvc', 'Cổng', 'UBND', 3, 'approved');
                        INSERT INTO hosts (agent_id, hostname, system_id, enrolled_at, last_seen, status)
                        VALUES ('a1', 'web01', 'hy-dvc', 1, 1782864000000000, 'active');
                        """)
            }
            try pool.close()
        }
        let store = try SQLiteCollectorStore(path: path)
        // 1782864000 s is 2026-07-01T00:00:00Z, 07:00 in Vietnam: day 20635.
        #expect(try await store.reportingDays(from: 20_600, through: 20_700) == ["a1": [20_635]])
        // 23:30 UTC on 1 July is already 2 July in Vietnam.
        for time in ["2026-07-01T23:30:00Z", "2026-07-02T05:00:00Z", "2026-07-04T01:00:00Z"] {
            try await store.recordHeartbeat(agentID: "a1", agentVersion: nil, rulesVersion: nil, at: try #require(Timestamp(iso8601: time)))
        }
        #expect(try await store.reportingDays(from: 20_600, through: 20_700) == ["a1": [20_635, 20_636, 20_638]])
        #expect(try await store.reportingDays(from: 20_636, through: 20_637) == ["a1": [20_636]])
        let delivery = try await store.alertDelivery(from: .at("2026-07-01T00:00:00Z"), until: .at("2026-12-31T00:00:00Z"))
        #expect(delivery.sent == 0 && delivery.sentBySystem.isEmpty)
    }
}
