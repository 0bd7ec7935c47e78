import CanhModel
import CollectorStore
import Foundation
import TestSupport
import Testing

/// The SQLite store on real database files: inventory rules, ingest folding, de-duplication and
/// the workflow of finding states.
struct StoreContract {
    let directory: TemporaryDirectory
    let store: any CollectorStore
    let portal = InformationSystem(
        id: "hy-dvc", name: "Cổng dịch vụ công tỉnh Hưng Yên", owner: "UBND tỉnh Hưng Yên", operatorUnit: "Sở KH&CN",
        level: Level.all[2],
        dossier: .approved, decisionNumber: "1234/QĐ-UBND", decisionDate: "2025-06-30")
    let web01: EnrolledHost

    init(_ kind: StoreKind) async throws {
        directory = try TemporaryDirectory()
        store = try await kind.makeStore(in: directory)
        web01 = EnrolledHost(agentID: "agent-1", hostname: "web01", system: "hy-dvc", enrolledAt: Self.time("2026-11-01T00:00:00Z"))
        try await store.addSystem(portal)
        try await store.addHost(web01)
    }

    static func time(_ text: String) -> Timestamp { Timestamp.at(text) }

    func record(
        rule: String = "ssh.config.root_login", entity: String = "web01", outcome: Outcome = .fail, at time: String, count: Int = 1,
        trigger: String? = nil
    ) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: rule, entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: trigger ?? time), fingerprint: fingerprint,
            rule: rule,
            outcome: outcome, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-02"], host: "web01",
            entity: entity, time: Self.time(time), firstSeen: nil, count: count, title: LocalizedText(vi: "Root", en: "Root"),
            evidence: Evidence([("permit_root_login", .text("yes (/etc/ssh/sshd_config:3)"))]))
    }

    func inventory() async throws {
        #expect(try await store.system(id: "hy-dvc") == portal)
        await #expect(throws: StoreError.conflict("system hy-dvc already exists")) { try await store.addSystem(portal) }
        var updated = portal
        updated.level = Level.all[3]
        try await store.updateSystem(updated)
        #expect(try await store.systems().map(\.level) == [Level.all[3]])
        await #expect(throws: StoreError.conflict("system hy-dvc still has 1 host(s); revoke and remove them first")) {
            try await store.removeSystem(id: "hy-dvc")
        }
        await #expect(throws: StoreError.notFound("system nowhere")) { try await store.removeSystem(id: "nowhere") }
        let orphan = EnrolledHost(agentID: "agent-2", hostname: "db01", system: "nowhere", enrolledAt: Self.time("2026-11-01T00:00:00Z"))
        await #expect(throws: StoreError.notFound("system nowhere")) { try await store.addHost(orphan) }
    }

    func deduplication() async throws {
        let batch = [
            record(at: "2026-11-22T01:00:00Z"),
            record(rule: "auth.ssh.bruteforce", entity: "198.51.100.7", at: "2026-11-22T01:05:00Z", count: 7),
        ]
        #expect(
            try await store.ingest(batch, from: web01, at: Self.time("2026-11-22T01:06:00Z")) == IngestSummary(accepted: 2, duplicates: 0))
        #expect(
            try await store.ingest(batch, from: web01, at: Self.time("2026-11-22T01:07:00Z")) == IngestSummary(accepted: 0, duplicates: 2))
        let brute = try #require(try await store.findings(FindingFilter(rule: "auth.ssh.bruteforce")).first)
        #expect(brute.count == 7)
        #expect(brute.status == .open)
        #expect(try await store.host(agentID: "agent-1")?.lastSeen == Self.time("2026-11-22T01:07:00Z"))
    }

    func stateChecks() async throws {
        _ = try await store.ingest([record(at: "2026-11-20T00:00:00Z")], from: web01, at: Self.time("2026-11-20T00:00:01Z"))
        _ = try await store.ingest([record(outcome: .pass, at: "2026-11-21T00:00:00Z")], from: web01, at: Self.time("2026-11-21T00:00:01Z"))
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "ssh.config.root_login", entity: "web01")
        #expect(try await store.finding(fingerprint: fingerprint)?.status == .resolved)
        _ = try await store.ingest([record(at: "2026-11-22T00:00:00Z")], from: web01, at: Self.time("2026-11-22T00:00:01Z"))
        let state = try #require(try await store.finding(fingerprint: fingerprint))
        #expect(state.status == .open)
        #expect(state.count == 2)
        #expect(state.firstSeen == Self.time("2026-11-20T00:00:00Z"))
        let transitions = try await store.transitions(fingerprint: fingerprint)
        #expect(transitions.map(\.to) == [.open, .resolved, .open])
        #expect(transitions.allSatisfy { $0.actor == "agent:agent-1" })
        #expect(transitions[1].reason == "the check passed")
    }

    func fingerprintsSharingTheirIndexKey() async throws {
        // The store finds a finding by the first 8 bytes of its fingerprint, then compares the whole.
        func twin(_ suffix: String, outcome: Outcome, at time: String) -> FindingRecord {
            var twin = record(entity: "twin", outcome: outcome, at: time)
            twin.fingerprint = String(repeating: "ab", count: 8) + String(repeating: suffix, count: 48)
            twin.id = FindingRecord.id(fingerprint: twin.fingerprint, outcome: outcome, trigger: time)
            return twin
        }
        let batch = [
            twin("1", outcome: .fail, at: "2026-11-22T01:00:00Z"), twin("2", outcome: .fail, at: "2026-11-22T01:00:00Z"),
            twin("1", outcome: .pass, at: "2026-11-22T02:00:00Z"),
        ]
        #expect(try await store.ingest(batch, from: web01, at: Self.time("2026-11-22T02:00:01Z")).accepted == 3)
        let first = try #require(try await store.finding(fingerprint: batch[0].fingerprint))
        let second = try #require(try await store.finding(fingerprint: batch[1].fingerprint))
        #expect((first.status, first.count) == (.resolved, 1))
        #expect((second.status, second.count) == (.open, 1))
        #expect(try await store.transitions(fingerprint: batch[0].fingerprint).map(\.to) == [.open, .resolved])
        #expect(try await store.finding(fingerprint: String(repeating: "ab", count: 8)) == nil)
        #expect(try await store.finding(fingerprint: "not a fingerprint") == nil)
    }

    func outOfOrder() async throws {
        _ = try await store.ingest([record(at: "2026-11-22T00:00:00Z")], from: web01, at: Self.time("2026-11-22T00:00:01Z"))
        _ = try await store.ingest([record(outcome: .pass, at: "2026-11-21T00:00:00Z")], from: web01, at: Self.time("2026-11-22T00:00:02Z"))
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "ssh.config.root_login", entity: "web01")
        #expect(try await store.finding(fingerprint: fingerprint)?.status == .open)
        #expect(try await store.finding(fingerprint: fingerprint)?.outcome == .fail)
    }

    func workflow() async throws {
        _ = try await store.ingest([record(at: "2026-11-20T00:00:00Z")], from: web01, at: Self.time("2026-11-20T00:00:01Z"))
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "ssh.config.root_login", entity: "web01")
        let now = Self.time("2026-11-20T08:00:00Z")
        await #expect(throws: StoreError.invalid("a reason is required to change a finding's status")) {
            try await store.changeFinding(
                FindingChange(fingerprint: fingerprint, status: .acknowledged, reason: " ", actor: "user:lan", at: now))
        }
        _ = try await store.changeFinding(
            FindingChange(fingerprint: fingerprint, status: .acknowledged, reason: "vendor contacted", actor: "user:lan", at: now))
        await #expect(throws: StoreError.invalid("an exception needs an end date (--until)")) {
            try await store.changeFinding(
                FindingChange(fingerprint: fingerprint, status: .excepted, reason: "legacy app", actor: "user:lan", at: now))
        }
        let excepted = try await store.changeFinding(
            FindingChange(
                fingerprint: fingerprint, status: .excepted, reason: "legacy app until migration", until: Self.time("2026-11-21T00:00:00Z"),
                actor: "user:lan", at: now))
        #expect(excepted.exceptedUntil == Self.time("2026-11-21T00:00:00Z"))
        _ = try await store.ingest([record(at: "2026-11-20T12:00:00Z")], from: web01, at: Self.time("2026-11-20T12:00:01Z"))
        #expect(try await store.finding(fingerprint: fingerprint)?.status == .excepted, "still within the exception")
        _ = try await store.ingest([record(at: "2026-11-21T12:00:00Z")], from: web01, at: Self.time("2026-11-21T12:00:01Z"))
        #expect(try await store.finding(fingerprint: fingerprint)?.status == .open, "the exception expired")
        let transitions = try await store.transitions(fingerprint: fingerprint)
        #expect(transitions.map(\.to) == [.open, .acknowledged, .excepted, .open])
        #expect(transitions.map(\.actor) == ["agent:agent-1", "user:lan", "user:lan", "agent:agent-1"])
        #expect(transitions[3].reason == "the exception expired and the check failed again")
        await #expect(throws: StoreError.notFound("finding nothing")) {
            try await store.changeFinding(FindingChange(fingerprint: "nothing", status: .resolved, reason: "x", actor: "user:lan", at: now))
        }
    }

    func queries() async throws {
        let batch = (0..<20).map { index in
            record(
                rule: index.isMultiple(of: 2) ? "auth.ssh.bruteforce" : "auth.ssh.invalid_user", entity: "198.51.100.\(index)",
                at: "2026-11-22T01:\(String(format: "%02d", index)):00Z")
        }
        _ = try await store.ingest(batch, from: web01, at: Self.time("2026-11-22T02:00:00Z"))
        #expect(try await store.findings(FindingFilter(rule: "auth.ssh.bruteforce")).count == 10)
        #expect(try await store.findings(FindingFilter(system: "other")).isEmpty)
        let recent = try await store.findings(FindingFilter(since: Self.time("2026-11-22T01:15:00Z")))
        #expect(recent.map(\.entity) == ["198.51.100.19", "198.51.100.18", "198.51.100.17", "198.51.100.16", "198.51.100.15"])
        #expect(try await store.findings(FindingFilter(minimumSeverity: .critical)).isEmpty)
        #expect(try await store.findings(FindingFilter(host: "web01", status: .open, limit: 3)).count == 3)
    }

    func persistence() async throws {
        _ = try await store.ingest([record(at: "2026-11-22T00:00:00Z")], from: web01, at: Self.time("2026-11-22T00:00:01Z"))
        let reopened = try SQLiteCollectorStore(path: directory.file("canh.sqlite"))
        #expect(try await reopened.findings(FindingFilter()).count == 1)
        #expect(try await reopened.systems() == [portal])
        #expect(throws: StoreError.self) { try SQLiteCollectorStore(path: directory.file("missing/dir/canh.sqlite")) }
    }
}

@Suite struct CollectorStoreContractTests {
    @Test("systems: added, updated, listed; a duplicate id and removing a system that has hosts are refused", arguments: StoreKind.allCases)
    func inventory(_ kind: StoreKind) async throws { try await StoreContract(kind).inventory() }
    @Test("a batch sent twice is stored once: the second delivery counts only duplicates", arguments: StoreKind.allCases)
    func deduplication(_ kind: StoreKind) async throws { try await StoreContract(kind).deduplication() }
    @Test("a pass resolves an open finding, a new failure reopens it, and every transition names its actor", arguments: StoreKind.allCases)
    func stateChecks(_ kind: StoreKind) async throws { try await StoreContract(kind).stateChecks() }
    @Test(
        "findings whose fingerprints share their first 16 hex digits stay apart, and one batch may fail and pass one finding",
        arguments: StoreKind.allCases) func fingerprintsSharingTheirIndexKey(_ kind: StoreKind) async throws
    { try await StoreContract(kind).fingerprintsSharingTheirIndexKey() }
    @Test("a late re-send of an older pass does not resolve a newer failure", arguments: StoreKind.allCases) func outOfOrder(
        _ kind: StoreKind
    ) async throws { try await StoreContract(kind).outOfOrder() }
    @Test(
        "people acknowledge, except until a date and resolve; an expired exception is reopened by the next failure",
        arguments: StoreKind.allCases) func workflow(_ kind: StoreKind) async throws
    { try await StoreContract(kind).workflow() }
    @Test("queries filter by system, host, rule, severity, status and time, newest first", arguments: StoreKind.allCases) func queries(
        _ kind: StoreKind
    ) async throws { try await StoreContract(kind).queries() }
    @Test("the store reopens with its data, and a second collector process sees the same file") func persistence() async throws {
        try await StoreContract(.sqlite).persistence()
    }
}
