import CanhModel
import CollectorStore
import Foundation
import GRDB
import TestSupport
import Testing

/// What the web console asks of the store: counts and groups that agree with the findings
/// through every kind of change, bulk actions in one transaction, notes, and sessions.
struct ConsoleStoreCases {
    let directory: TemporaryDirectory
    let store: any CollectorStore
    let hosts: [EnrolledHost]
    let start = Timestamp.at("2026-11-20T00:00:00Z")

    init(_ kind: StoreKind) async throws {
        directory = try TemporaryDirectory()
        store = try await kind.makeStore(in: directory)
        var hosts: [EnrolledHost] = []
        for system in ["hy-a", "hy-b"] {
            try await store.addSystem(InformationSystem(id: system, name: system, owner: "UBND", level: Level.all[2]))
            for index in 0..<2 {
                let host = EnrolledHost(agentID: "\(system)-\(index)", hostname: "\(system)-web\(index)", system: system, enrolledAt: start)
                try await store.addHost(host)
                hosts.append(host)
            }
        }
        self.hosts = hosts
        try await store.addUser(User(name: "triage", role: .analyst, createdAt: start), tokenHash: "a")
    }

    func record(host: EnrolledHost, rule: String, entity: String, severity: Severity, outcome: Outcome = .fail, at time: Timestamp)
        -> FindingRecord
    {
        let fingerprint = FindingRecord.fingerprint(host: host.hostname, rule: rule, entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time.iso8601), fingerprint: fingerprint, rule: rule,
            outcome: outcome, severity: severity, level: Level.all[2], requirements: ["ND85-SRV-AUTH-01"], host: host.hostname,
            entity: entity, time: time, firstSeen: time, count: 1, title: LocalizedText(vi: rule, en: rule),
            evidence: Evidence([("src_ip", .text(entity))]))
    }

    /// Five brute-force sources and one root-login setting on every host.
    func seed() async throws {
        for host in hosts {
            var batch = (0..<5).map {
                record(host: host, rule: "auth.ssh.bruteforce", entity: "203.0.113.\($0)", severity: .high, at: start)
            }
            batch.append(record(host: host, rule: "ssh.config.root_login", entity: host.hostname, severity: .medium, at: start))
            _ = try await store.ingest(batch, from: host, at: start)
        }
    }

    /// Every count the console shows, from the tallies, equals the count of the findings themselves.
    func expectTalliesAgree(_ comment: Comment? = nil) async throws {
        let all = try await store.findings(FindingFilter(limit: 100_000))
        for status in FindingStatus.allCases as [FindingStatus?] + [nil] {
            for system in ["hy-a", "hy-b", nil] {
                let filter = FindingFilter(system: system, status: status)
                let expected = all.count { ($0.system == system || system == nil) && ($0.status == status || status == nil) }
                #expect(try await store.countFindings(filter) == expected, "\(filter) \(comment?.description ?? "")")
            }
        }
        let open = all.filter { $0.status == .open }
        let bySeverity = Dictionary(grouping: open, by: \.severity).mapValues(\.count)
        #expect(try await store.openFindingsBySeverity().filter { $0.value > 0 } == bySeverity, comment)
        #expect(
            try await store.openFindingsBySystem().filter { $0.value > 0 } == Dictionary(grouping: open, by: \.system).mapValues(\.count))
    }

    func talliesFollowEveryChange() async throws {
        try await seed()
        try await expectTalliesAgree("after the first batches")
        let groups = try await store.findingGroups(FindingFilter(status: .open), scanLimit: 100_000)
        #expect(
            groups.map { "\($0.rule)@\($0.system)=\($0.count)" } == [
                "auth.ssh.bruteforce@hy-a=10", "auth.ssh.bruteforce@hy-b=10", "ssh.config.root_login@hy-a=2",
                "ssh.config.root_login@hy-b=2",
            ])
        #expect(groups.first?.highestSeverity == .high)
        // A pass resolves the root-login finding of one host: a record moves it between tallies.
        _ = try await store.ingest(
            [
                record(
                    host: hosts[0], rule: "ssh.config.root_login", entity: hosts[0].hostname, severity: .medium, outcome: .pass,
                    at: start + .hours(1))
            ],
            from: hosts[0], at: start + .hours(1))
        try await expectTalliesAgree("after a pass")
        let fingerprint = FindingRecord.fingerprint(host: hosts[2].hostname, rule: "auth.ssh.bruteforce", entity: "203.0.113.0")
        _ = try await store.changeFinding(
            FindingChange(fingerprint: fingerprint, status: .acknowledged, reason: "seen", actor: "user:triage", at: start + .hours(2)))
        try await expectTalliesAgree("after an acknowledgement")
        let filter = FindingFilter(system: "hy-b", rule: "auth.ssh.bruteforce")
        let summary = try await store.changeFindings(
            filter, expected: 10, action: .status(.resolved, reason: "blocked at the firewall", until: nil), actor: "user:triage",
            at: start + .hours(3))
        #expect(summary == BulkChangeSummary(matched: 10, changed: 10, skipped: [:]))
        try await expectTalliesAgree("after a bulk resolve")
        // Grouping by a host reads the findings themselves, with the same answer.
        let hostGroups = try await store.findingGroups(FindingFilter(host: hosts[0].hostname), scanLimit: 100_000)
        #expect(
            hostGroups.map { "\($0.rule)=\($0.count) \($0.statuses)" }.sorted() == [
                "auth.ssh.bruteforce=5 [CanhModel.FindingStatus.open: 5]", "ssh.config.root_login=1 [CanhModel.FindingStatus.resolved: 1]",
            ])
    }

    func textAndScanLimit() async throws {
        try await seed()
        #expect(try await store.countFindings(FindingFilter(text: "113.3")) == 4)
        #expect(try await store.countFindings(FindingFilter(text: "HY-A-WEB")) == 2, "ASCII letters in either case")
        #expect(try await store.countFindings(FindingFilter(text: "%")) == 0)
        #expect(try await store.countFindings(FindingFilter(text: "203_0")) == 0)
        #expect(try await store.countFindings(FindingFilter(text: "203.0"), upTo: 7) == 7)
        let groups = try await store.findingGroups(FindingFilter(text: "203.0"), scanLimit: 6)
        #expect(groups.reduce(0) { $0 + $1.count } == 6)
        #expect(!store.countsWhole(FindingFilter(text: "203.0")) && store.countsWhole(FindingFilter(system: "hy-a", status: .open)))
    }

    func talliesOfAnOlderStore() async throws {
        try await seed()
        let path = directory.file("canh.sqlite")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM finding_tallies")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE '10 %' OR identifier LIKE '11 %'")
            try db.execute(sql: "DROP INDEX findings_by_entity")
            try db.execute(
                sql: "DROP TRIGGER IF EXISTS finding_tallies_insert; DROP TRIGGER finding_tallies_delete; DROP TRIGGER finding_tallies_move"
            )
            try db.execute(sql: "DROP TABLE finding_tallies; DROP TABLE finding_notes; DROP TABLE console_sessions")
            try db.execute(sql: "ALTER TABLE findings DROP COLUMN assignee")
        }
        try queue.close()
        let reopened = try SQLiteCollectorStore(path: path)
        #expect(try await reopened.countFindings(FindingFilter(status: .open)) == 24)
        #expect(try await reopened.openFindingsBySeverity() == [.high: 20, .medium: 4])
    }

    func bulkAction() async throws {
        try await seed()
        let filter = FindingFilter(rule: "auth.ssh.bruteforce", status: .open)
        await #expect(
            throws: StoreError.conflict("the filter now matches 20 findings, not the 19 confirmed; look at them again before changing them")
        ) {
            try await store.changeFindings(
                filter, expected: 19, action: .status(.acknowledged, reason: "seen", until: nil), actor: "user:triage", at: start)
        }
        #expect(try await store.countFindings(FindingFilter(status: .acknowledged)) == 0)
        await #expect(throws: StoreError.invalid("an exception needs an end date (--until)")) {
            try await store.changeFindings(
                filter, expected: 20, action: .status(.excepted, reason: "scanner", until: nil), actor: "user:triage", at: start)
        }
        // Resolving findings of which some are resolved already: those are left as they were, and said so.
        let one = FindingRecord.fingerprint(host: hosts[0].hostname, rule: "auth.ssh.bruteforce", entity: "203.0.113.0")
        _ = try await store.changeFinding(
            FindingChange(fingerprint: one, status: .resolved, reason: "fixed", actor: "user:triage", at: start))
        let summary = try await store.changeFindings(
            FindingFilter(rule: "auth.ssh.bruteforce"), expected: 20, action: .status(.resolved, reason: "blocked", until: nil),
            actor: "user:triage", at: start + .minutes(1))
        #expect(summary == BulkChangeSummary(matched: 20, changed: 19, skipped: ["the finding is already resolved": 1]))
        let transitions = try await store.transitions(fingerprint: one)
        #expect(transitions.map(\.to) == [.open, .resolved])
        let audit = try await store.auditLog(limit: 100)
        #expect(audit.count { $0.action == "finding.resolve" && $0.actor == "user:triage" && $0.detail == "blocked" } == 19)
    }

    func notes() async throws {
        try await seed()
        let filter = FindingFilter(host: hosts[1].hostname, rule: "ssh.config.root_login")
        await #expect(throws: StoreError.notFound("user nobody")) {
            try await store.changeFindings(filter, expected: 1, action: .assign("nobody"), actor: "user:triage", at: start)
        }
        _ = try await store.changeFindings(filter, expected: 1, action: .assign("triage"), actor: "user:triage", at: start)
        _ = try await store.changeFindings(
            filter, expected: 1, action: .comment("Sở TT&TT đã được báo"), actor: "user:triage", at: start + .minutes(1))
        let finding = try #require(try await store.findings(filter).first)
        #expect(finding.assignee == "triage")
        #expect(
            try await store.notes(fingerprint: finding.fingerprint).map { "\($0.kind.rawValue):\($0.text)" } == [
                "assignment:triage", "comment:Sở TT&TT đã được báo",
            ])
        // Records folded into the finding later keep its assignee.
        _ = try await store.ingest(
            [record(host: hosts[1], rule: "ssh.config.root_login", entity: hosts[1].hostname, severity: .medium, at: start + .hours(1))],
            from: hosts[1], at: start + .hours(1))
        #expect(try await store.finding(fingerprint: finding.fingerprint)?.assignee == "triage")
    }

    func sessions() async throws {
        let session = ConsoleSession(user: "triage", csrfToken: "csrf-1", createdAt: start, lastSeen: start)
        try await store.addConsoleSession(session, idHash: "hash-1")
        try await store.addConsoleSession(
            ConsoleSession(user: "triage", csrfToken: "csrf-2", createdAt: start, lastSeen: start), idHash: "hash-2")
        await #expect(throws: StoreError.notFound("user ghost")) {
            try await store.addConsoleSession(ConsoleSession(user: "ghost", csrfToken: "x", createdAt: start, lastSeen: start), idHash: "h")
        }
        let found = try #require(try await store.consoleSession(idHash: "hash-1"))
        #expect(found.session == session && found.user.role == .analyst)
        try await store.touchConsoleSession(idHash: "hash-1", at: start + .minutes(5))
        #expect(try await store.consoleSession(idHash: "hash-1")?.session.lastSeen == start + .minutes(5))
        #expect(try await store.revokeConsoleSessions(idHash: "hash-1", user: nil, at: start + .minutes(6)) == 1)
        #expect(try await store.consoleSession(idHash: "hash-1")?.session.revokedAt == start + .minutes(6))
        #expect(try await store.consoleSession(idHash: "hash-2")?.session.revokedAt == nil)
        #expect(try await store.revokeConsoleSessions(idHash: nil, user: "triage", at: start + .minutes(7)) == 1)
        #expect(try await store.consoleSession(idHash: "unknown") == nil)
    }
}

@Suite struct ConsoleStoreTests {
    @Test(
        "counts and groups agree with the findings after records, a pass, a person's change and a bulk action",
        arguments: StoreKind.allCases) func talliesFollowEveryChange(_ kind: StoreKind) async throws
    { try await ConsoleStoreCases(kind).talliesFollowEveryChange() }
    @Test(
        "text is found inside entities, wildcards in it are plain characters, and a scan limit bounds the groups",
        arguments: StoreKind.allCases) func textAndScanLimit(_ kind: StoreKind) async throws
    { try await ConsoleStoreCases(kind).textAndScanLimit() }
    @Test("tallies are built from the findings of a store that had them before the console's migration") func talliesOfAnOlderStore()
        async throws
    { try await ConsoleStoreCases(.sqlite).talliesOfAnOlderStore() }
    @Test(
        "a bulk action changes every finding the filter matches in one transaction, or none when the count moved",
        arguments: StoreKind.allCases) func bulkAction(_ kind: StoreKind) async throws
    { try await ConsoleStoreCases(kind).bulkAction() }
    @Test("assignments and comments join a finding's timeline; an unknown user cannot be assigned", arguments: StoreKind.allCases)
    func notes(_ kind: StoreKind) async throws { try await ConsoleStoreCases(kind).notes() }
    @Test("sessions: found with their user, touched, revoked one by one or all of a user's", arguments: StoreKind.allCases) func sessions(
        _ kind: StoreKind
    ) async throws { try await ConsoleStoreCases(kind).sessions() }
}
