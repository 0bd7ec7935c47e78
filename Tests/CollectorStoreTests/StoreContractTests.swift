import Alerts
import CanhModel
import CollectorStore
import Foundation
import TestSupport
import Testing

/// The rest of the store's contract, on both stores: enrollment and replacement, attestations,
/// the certificate inventory, what the reports read (reporting days, alert delivery), and the
/// outbox's life (due, outcomes, dead, retry, digests, silent hosts).
struct StoreContractCases {
    let directory: TemporaryDirectory
    let store: any CollectorStore
    let start = Timestamp.at("2026-11-20T00:00:00Z")
    let portal = InformationSystem(id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2])

    init(_ kind: StoreKind, routing: AlertRouting = AlertRouting(rules: [])) async throws {
        directory = try TemporaryDirectory()
        store = try await kind.makeStore(in: directory, alertRouting: routing)
        try await store.addSystem(portal)
    }

    func record(host: String, entity: String, outcome: Outcome = .fail, at time: Timestamp) -> FindingRecord {
        let fingerprint = FindingRecord.fingerprint(host: host, rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time.iso8601), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: outcome, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-01"],
            host: host, entity: entity, time: time, firstSeen: time, count: 1, title: LocalizedText(vi: "Dò", en: "Guess"),
            evidence: Evidence([("src_ip", .text(entity))]))
    }

    func enrollment() async throws {
        try await store.addEnrollmentToken(
            EnrollmentToken(
                id: "t1", system: "hy-dvc", expiresAt: start + .days(1), usesLeft: 2, createdBy: "user:admin", createdAt: start),
            tokenHash: "hash-1")
        let first = try await store.enroll(
            tokenHash: "hash-1", host: EnrolledHost(agentID: "a1", hostname: "web01", machineID: "m1", system: "", enrolledAt: start),
            replace: false, at: start)
        #expect(first.host.system == "hy-dvc" && first.replaced == nil)
        _ = try await store.ingest([record(host: "web01", entity: "203.0.113.1", at: start)], from: first.host, at: start)
        // The same name again: refused unless replacing, which moves the findings.
        let again = EnrolledHost(agentID: "a2", hostname: "WEB01", machineID: "m1", system: "", enrolledAt: start)
        await #expect(throws: StoreError.self) { try await store.enroll(tokenHash: "hash-1", host: again, replace: false, at: start) }
        let replaced = try await store.enroll(tokenHash: "hash-1", host: again, replace: true, at: start + .seconds(1))
        #expect(replaced.replaced?.agentID == "a1")
        #expect(replaced.findingsMoved == 0, "the name differs in case: the findings stay as the old host's history")
        #expect(try await store.host(agentID: "a1")?.status == .revoked)
        #expect(try await store.host(agentID: "a1")?.replacedBy == "a2")
        await #expect(throws: StoreError.invalid("enrollment token t1 has been used up")) {
            try await store.enroll(
                tokenHash: "hash-1", host: EnrolledHost(agentID: "a3", hostname: "db01", system: "", enrolledAt: start), replace: false,
                at: start)
        }
        await #expect(throws: StoreError.notFound("enrollment token (unknown or revoked)")) {
            try await store.enroll(
                tokenHash: "nope", host: EnrolledHost(agentID: "a4", hostname: "db02", system: "", enrolledAt: start), replace: false,
                at: start)
        }
        let actions = try await store.auditLog(limit: 10).map(\.action)
        #expect(actions.filter { $0 == "host.enroll" }.count == 2 && actions.contains("host.replace"))
    }

    func sameNameReplacementMovesFindings() async throws {
        try await store.addEnrollmentToken(
            EnrollmentToken(
                id: "t1", system: "hy-dvc", expiresAt: start + .days(1), usesLeft: 2, createdBy: "user:admin", createdAt: start),
            tokenHash: "hash-1")
        let old = try await store.enroll(
            tokenHash: "hash-1", host: EnrolledHost(agentID: "a1", hostname: "web01", system: "", enrolledAt: start), replace: false,
            at: start
        ).host
        let batch = [record(host: "web01", entity: "203.0.113.1", at: start), record(host: "web01", entity: "203.0.113.2", at: start)]
        _ = try await store.ingest(batch, from: old, at: start)
        let new = try await store.enroll(
            tokenHash: "hash-1", host: EnrolledHost(agentID: "a2", hostname: "web01", system: "", enrolledAt: start), replace: true,
            at: start)
        #expect(new.findingsMoved == 2)
        // The record ids moved too: the batch sent again by the new agent is recognised.
        let again = try await store.ingest(batch, from: new.host, at: start + .seconds(5))
        #expect(again.duplicates == 2 && again.accepted == 0)
        #expect(try await store.countFindings(FindingFilter(status: .open)) == 2)
    }

    func attestationsAndCertificates() async throws {
        let attestation = Attestation(
            system: "hy-dvc", requirement: "ND85-MGT-PLAN-01", evidence: "Kế hoạch số 12/KH", attestedBy: "user:triage", attestedAt: start,
            expiresAt: start + .days(365))
        try await store.addAttestation(attestation)
        var later = attestation
        later.attestedAt = start + .days(1)
        try await store.addAttestation(later)
        #expect(try await store.attestations(system: "hy-dvc").map(\.attestedAt) == [later.attestedAt, start])
        await #expect(throws: StoreError.notFound("system nowhere")) {
            var elsewhere = attestation
            elsewhere.system = "nowhere"
            try await store.addAttestation(elsewhere)
        }
        #expect(try await store.withdrawAttestations(system: "hy-dvc", requirement: "ND85-MGT-PLAN-01") == 2)
        #expect(try await store.attestations(system: nil).isEmpty)

        let host = EnrolledHost(agentID: "a1", hostname: "web01", system: "hy-dvc", enrolledAt: start)
        try await store.addHost(host)
        func certificate(_ place: String, seen: Timestamp) -> CertificateRecord {
            CertificateRecord(
                fingerprint: String(repeating: "ab", count: 32), subject: "CN=dichvucong.hungyen.gov.vn", issuer: "CN=CA",
                names: ["dichvucong.hungyen.gov.vn", "www.dichvucong.hungyen.gov.vn"], notBefore: start - .days(300),
                notAfter: start + .days(20), key: "rsa 2048", signature: "sha256WithRSAEncryption",
                places: [CertificateRecord.Place(host: "web01", place: place, firstSeen: seen, lastSeen: seen)])
        }
        _ = try await store.ingest([], certificates: [certificate("/etc/ssl/portal.pem", seen: start)], from: host, at: start)
        _ = try await store.ingest(
            [], certificates: [certificate("/etc/ssl/portal.pem", seen: start + .days(1)), certificate("127.0.0.1:443", seen: start)],
            from: host, at: start + .days(1))
        let stored = try await store.certificates(system: "hy-dvc", expiringBefore: start + .days(30))
        #expect(stored.count == 1)
        #expect(stored.first?.names == ["dichvucong.hungyen.gov.vn", "www.dichvucong.hungyen.gov.vn"])
        #expect(stored.first?.places.map(\.place) == ["/etc/ssl/portal.pem", "127.0.0.1:443"])
        #expect(stored.first?.places.first?.firstSeen == start && stored.first?.places.first?.lastSeen == start + .days(1))
        #expect(try await store.certificates(system: nil, expiringBefore: start + .days(10)).isEmpty)
        #expect(try await store.certificates(system: "elsewhere", expiringBefore: nil).isEmpty)
    }

    func reportInputs() async throws {
        let host = EnrolledHost(agentID: "a1", hostname: "web01", system: "hy-dvc", enrolledAt: start)
        try await store.addHost(host)
        // 23:30 UTC is already the next day in Vietnam.
        try await store.recordHeartbeat(agentID: "a1", agentVersion: "1.2", rulesVersion: "2026.12", at: .at("2026-11-20T23:30:00Z"))
        _ = try await store.ingest([record(host: "web01", entity: "x", at: start)], from: host, at: .at("2026-11-23T01:00:00Z"))
        let day = { (text: String) in (Timestamp.at(text).microsecondsSinceEpoch + 25_200_000_000) / 86_400_000_000 }
        #expect(
            try await store.reportingDays(from: 0, through: 100_000) == ["a1": [day("2026-11-21T00:00:00Z"), day("2026-11-23T00:00:00Z")]])
        #expect(try await store.host(agentID: "a1")?.agentVersion == "1.2")
        await #expect(throws: StoreError.notFound("host ghost")) {
            try await store.recordHeartbeat(agentID: "ghost", agentVersion: nil, rulesVersion: nil, at: start)
        }
        try await store.setHostStatus(agentID: "a1", .revoked)
        #expect(try await store.hosts(system: "hy-dvc").map(\.status) == [.revoked])
    }

    func rulePacks() async throws {
        let mail = InformationSystem(id: "hy-mail", name: "Thư điện tử", owner: "UBND tỉnh Hưng Yên", level: Level.all[1])
        try await store.addSystem(mail)
        func release(_ version: String, at time: Timestamp) -> RulePackRelease {
            RulePackRelease(
                version: version, name: "canh-default", minimumAgentVersion: "0.1.0", sha256: "sha-\(version)", keyID: "8888849E27C77CCD",
                size: 3, publishedAt: time, publishedBy: "user:admin")
        }
        // Bytes of every value, NUL included, come back as they went in.
        try await store.addRulePack(release("2026.12.1", at: start), archive: [0, 1, 255], signature: "untrusted comment: x\n")
        try await store.addRulePack(release("2026.12.2", at: start + .hours(1)), archive: [7], signature: "s2")
        await #expect(throws: StoreError.conflict("rule pack version 2026.12.1 is published already; publish a new version")) {
            try await store.addRulePack(release("2026.12.1", at: start + .hours(2)), archive: [9], signature: "other")
        }
        #expect(try await store.rulePacks() == [release("2026.12.2", at: start + .hours(1)), release("2026.12.1", at: start)])
        let files = try #require(try await store.rulePackFiles(version: "2026.12.1"))
        #expect(files.archive == [0, 1, 255] && files.signature == "untrusted comment: x\n")
        #expect(try await store.rulePackFiles(version: "2099.1.0") == nil)

        // The portal first, then everyone; a system's own assignment wins over the one for all.
        let first = RulePackAssignment(system: "hy-dvc", version: "2026.12.1", assignedAt: start, assignedBy: "user:admin")
        try await store.assignRulePack([first])
        let all = RulePackAssignment(system: nil, version: "2026.12.2", assignedAt: start + .hours(3), assignedBy: "user:admin")
        try await store.assignRulePack([all])
        #expect(try await store.rulePackAssignments() == [all, first])
        #expect(RulePackAssignment.version(for: "hy-dvc", in: try await store.rulePackAssignments())?.version == "2026.12.1")
        #expect(RulePackAssignment.version(for: "hy-mail", in: try await store.rulePackAssignments())?.version == "2026.12.2")
        let again = RulePackAssignment(system: "hy-dvc", version: "2026.12.2", assignedAt: start + .hours(4), assignedBy: "user:lan")
        try await store.assignRulePack([again])
        #expect(try await store.rulePackAssignments() == [all, again], "one assignment per system, replaced")
        // Refused whole: an unknown version or system leaves every assignment as it was.
        await #expect(throws: StoreError.notFound("system hy-none")) {
            try await store.assignRulePack([
                RulePackAssignment(system: "hy-mail", version: "2026.12.1", assignedAt: start, assignedBy: "user:admin"),
                RulePackAssignment(system: "hy-none", version: "2026.12.1", assignedAt: start, assignedBy: "user:admin"),
            ])
        }
        await #expect(throws: StoreError.notFound("rule pack version 2099.1.0; publish it first")) {
            try await store.assignRulePack([RulePackAssignment(system: nil, version: "2099.1.0", assignedAt: start, assignedBy: "x")])
        }
        #expect(try await store.rulePackAssignments() == [all, again])
        try await store.removeSystem(id: "hy-mail")
        try await store.assignRulePack([RulePackAssignment(system: "hy-dvc", version: "2026.12.1", assignedAt: start, assignedBy: "x")])

        // A host's refusal is what its last heartbeat said.
        try await store.addHost(EnrolledHost(agentID: "a1", hostname: "web01", system: "hy-dvc", enrolledAt: start))
        try await store.recordHeartbeat(
            agentID: "a1", agentVersion: "0.1.0", rulesVersion: "2026.12.1", rulesFailure: "2026.12.2: not pinned", at: start)
        #expect(try await store.host(agentID: "a1")?.rulesFailure == "2026.12.2: not pinned")
        try await store.recordHeartbeat(agentID: "a1", agentVersion: "0.1.0", rulesVersion: "2026.12.2", at: start + .minutes(1))
        let host = try await store.host(agentID: "a1")
        #expect(host?.rulesFailure == nil && host?.rulesVersion == "2026.12.2")
    }

    func outboxLife() async throws {
        let host = EnrolledHost(agentID: "a1", hostname: "web01", system: "hy-dvc", enrolledAt: start, lastSeen: start)
        try await store.addHost(host)
        _ = try await store.ingest(
            [record(host: "web01", entity: "1", at: start), record(host: "web01", entity: "2", at: start)], from: host, at: start)
        var due = try await store.dueAlerts(at: start + .seconds(1), limit: 10)
        #expect(due.count == 2)
        for alert in due { #expect(try await store.renewClaim(alert: alert.id, at: start + .seconds(1))) }
        try await store.recordAlertOutcomes(
            [(due[0].id, .sent), (due[1].id, .failed("refused", retryAt: nil))], at: start + .seconds(2))
        #expect(try await store.alertCounts() == [.pending: 0, .sent: 1, .dead: 1, .suppressed: 0, .digested: 0])
        #expect(try await store.sentAlerts(channel: "soc", system: "hy-dvc", rule: "auth.ssh.bruteforce", since: start) == 1)
        let delivery = try await store.alertDelivery(from: start, until: start + .days(1))
        #expect(delivery.sent == 1 && delivery.sentBySystem == ["hy-dvc": 1] && delivery.deadBySystem == ["hy-dvc": 1])
        #expect(try await store.retryAlerts(ids: [], at: start + .seconds(3)) == 1)
        due = try await store.dueAlerts(at: start + .seconds(3), limit: 10)
        #expect(due.map(\.attempts) == [0])
        await #expect(throws: StoreError.notFound("queued alert 999999")) {
            try await store.recordAlertOutcomes([(999_999, .sent)], at: start)
        }
        // Suppressed messages older than the window become one digest, once.
        _ = try await store.ingest(
            (3...5).map { record(host: "web01", entity: "\($0)", at: start + .seconds(10)) }, from: host, at: start + .seconds(10))
        let more = try await store.dueAlerts(at: start + .seconds(11), limit: 10).filter { $0.id != due[0].id }
        #expect(more.count == 3)
        try await store.recordAlertOutcomes(more.map { ($0.id, .suppressed) }, at: start + .seconds(11))
        #expect(try await store.queueDigests(suppressedBefore: start + .minutes(20), windowMinutes: 10, at: start + .minutes(20)) == 1)
        #expect(try await store.queueDigests(suppressedBefore: start + .minutes(21), windowMinutes: 10, at: start + .minutes(21)) == 0)
        let digest = try await store.queuedAlerts(state: .pending, limit: 10).first { $0.message.kind == .digest }
        #expect(digest?.message.digest?.count == 3)
        // A host silent for longer than staleAfter: one alert per silence, however often asked.
        #expect(try await store.queueStaleHostAlerts(staleAfter: .minutes(3), at: start + .minutes(30)) == 1)
        #expect(try await store.queueStaleHostAlerts(staleAfter: .minutes(3), at: start + .minutes(40)) == 0)
    }
}

@Suite struct StoreContractTests {
    static let routing = AlertRouting(rules: [AlertRule(name: "all", channels: ["soc"])])

    @Test("enrollment spends the token once per host, refuses a held name unless replacing, and audits both", arguments: StoreKind.allCases)
    func enrollment(_ kind: StoreKind) async throws { try await StoreContractCases(kind).enrollment() }

    @Test(
        "a machine enrolling again under its name takes over its findings and the ids of the records it sent", arguments: StoreKind.allCases
    )
    func sameNameReplacementMovesFindings(_ kind: StoreKind) async throws {
        try await StoreContractCases(kind).sameNameReplacementMovesFindings()
    }

    @Test(
        "attestations newest first and withdrawn together; a certificate's facts and every place it was seen", arguments: StoreKind.allCases
    )
    func attestationsAndCertificates(_ kind: StoreKind) async throws { try await StoreContractCases(kind).attestationsAndCertificates() }

    @Test("what the reports read: reporting days in Vietnam's time, heartbeat versions, host status", arguments: StoreKind.allCases)
    func reportInputs(_ kind: StoreKind) async throws { try await StoreContractCases(kind).reportInputs() }

    @Test(
        "rule packs: published once, bytes kept, assigned per system and for all, refused whole; a host's refusal as it last said",
        arguments: StoreKind.allCases)
    func rulePacks(_ kind: StoreKind) async throws { try await StoreContractCases(kind).rulePacks() }

    @Test("the outbox: due, sent and dead, retried, suppressed into one digest, silent hosts once", arguments: StoreKind.allCases)
    func outboxLife(_ kind: StoreKind) async throws { try await StoreContractCases(kind, routing: Self.routing).outboxLife() }
}
