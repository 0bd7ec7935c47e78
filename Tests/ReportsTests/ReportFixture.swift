import CanhModel
import Reports
import Rules
import TestSupport

/// A small estate with one case of every status and reason, judged with the fixture pack
/// (`Fixtures/pack`) at a fixed time, so that golden files change only when reports do.
enum ReportFixture {
    static let now = Timestamp(iso8601: "2026-11-22T03:00:00Z") ?? Timestamp(secondsSinceEpoch: 0)

    static func pack() throws -> RulePack {
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/Tests/ReportsTests/Fixtures/pack")
        guard loaded.problems.isEmpty else { throw FixtureError(problems: loaded.problems.map(\.description)) }
        return loaded.pack
    }

    struct FixtureError: Error { var problems: [String] }

    static func time(_ text: String) -> Timestamp { Timestamp(iso8601: text) ?? now }

    static let portal = InformationSystem(
        id: "hy-dvc", name: "Cổng dịch vụ công tỉnh Hưng Yên", owner: "UBND tỉnh Hưng Yên", operatorUnit: "Sở Khoa học và Công nghệ",
        level: Level(rawValue: 3) ?? .lowest, dossier: .approved, decisionNumber: "1234/QĐ-UBND", decisionDate: "2025-06-30")
    static let mail = InformationSystem(
        id: "hy-mail", name: "Thư điện tử công vụ", owner: "Sở Khoa học và Công nghệ", level: Level(rawValue: 2) ?? .lowest,
        dossier: .submitted)

    static let hosts = [
        EnrolledHost(
            agentID: "a-web01", hostname: "web01", os: "Debian 12", agentVersion: "0.1.0", rulesVersion: "2026.11.0-test", system: "hy-dvc",
            enrolledAt: time("2026-06-01T00:00:00Z"), lastSeen: time("2026-11-22T02:59:00Z"), status: .active),
        EnrolledHost(
            agentID: "a-db01", hostname: "db01", system: "hy-dvc", enrolledAt: time("2026-06-01T00:00:00Z"),
            lastSeen: time("2026-11-01T08:00:00Z"), status: .stale),
        EnrolledHost(
            agentID: "a-old01", hostname: "old01", system: "hy-dvc", enrolledAt: time("2025-01-01T00:00:00Z"),
            lastSeen: time("2025-12-01T00:00:00Z"), status: .revoked),
    ]

    static func finding(
        _ rule: String, _ entity: String, host: String = "web01", status: FindingStatus, outcome: Outcome, first: String, last: String,
        count: Int = 1, reason: String? = nil, exceptedUntil: String? = nil, requirement: String
    ) -> FindingState {
        FindingState(
            fingerprint: StableDigest.hex(of: [host, rule, entity]), rule: rule, entity: entity, host: host, system: "hy-dvc",
            severity: .high, status: status, outcome: outcome, count: count, firstSeen: time(first), lastSeen: time(last),
            requirements: [requirement], title: LocalizedText(vi: rule, en: rule), evidence: "{}", reason: reason,
            exceptedUntil: exceptedUntil.map(time))
    }

    static let findings = [
        finding(
            "auth.ssh.root_login", "10.20.0.5", status: .open, outcome: .fail, first: "2026-11-20T01:00:00Z", last: "2026-11-21T01:00:00Z",
            count: 3, requirement: "T-SRV-ROOT"),
        finding(
            "auth.ssh.root_login", "=cmd|' /C calc'!A0", status: .excepted, outcome: .fail, first: "2026-09-01T01:00:00Z",
            last: "2026-09-01T01:00:00Z", reason: "user:an: the vendor's break-glass login, reviewed",
            exceptedUntil: "2026-12-31T00:00:00Z",
            requirement: "T-SRV-ROOT"),
        // Before the period: not evidence of it.
        finding(
            "auth.ssh.root_login", "10.9.9.9", status: .open, outcome: .fail, first: "2026-03-01T00:00:00Z", last: "2026-03-02T00:00:00Z",
            requirement: "T-SRV-ROOT"),
        finding(
            "tls.cert.expired", String(repeating: "ab", count: 32), status: .resolved, outcome: .pass, first: "2026-07-01T00:00:00Z",
            last: "2026-11-22T02:00:00Z", count: 0, requirement: "T-APP-CERT"),
        // Every monitored host must be proven: db01 reported its own pass before it went quiet.
        finding(
            "tls.cert.expired", String(repeating: "ef", count: 32), host: "db01", status: .resolved, outcome: .pass,
            first: "2026-07-01T00:00:00Z", last: "2026-11-01T08:00:00Z", count: 0, requirement: "T-APP-CERT"),
    ]

    static let attestations = [
        Attestation(
            system: "hy-dvc", requirement: "T-MGT-PLAN", evidence: "Quyết định 88/QĐ-SKHCN ban hành phương án ứng phó sự cố",
            attestedBy: "user:lan", attestedAt: time("2026-10-01T02:00:00Z"), expiresAt: time("2027-10-01T00:00:00Z")),
        Attestation(
            system: "hy-dvc", requirement: "T-MGT-DRILL", evidence: "Biên bản diễn tập 2025", attestedBy: "user:lan",
            attestedAt: time("2025-11-01T02:00:00Z"), expiresAt: time("2026-11-01T00:00:00Z")),
    ]

    static let certificates = [
        CertificateRecord(
            fingerprint: String(repeating: "ab", count: 32), subject: "CN=dichvucong.hungyen.gov.vn", issuer: "CN=Agency CA",
            names: ["dichvucong.hungyen.gov.vn"], notBefore: time("2026-01-01T00:00:00Z"), notAfter: time("2026-12-10T00:00:00Z"),
            key: "rsa 2048", signature: "sha256WithRSAEncryption",
            places: [.init(host: "web01", place: "127.0.0.1:443", firstSeen: time("2026-07-01T00:00:00Z"), lastSeen: now)]),
        CertificateRecord(
            fingerprint: String(repeating: "cd", count: 32), subject: "CN=old.hungyen.gov.vn", issuer: "CN=old.hungyen.gov.vn",
            names: [], notBefore: time("2024-01-01T00:00:00Z"), notAfter: time("2026-11-01T00:00:00Z"), key: "rsa 1024",
            signature: "sha1WithRSAEncryption",
            places: [.init(host: "web01", place: "/etc/ssl/old.pem", firstSeen: time("2026-07-01T00:00:00Z"), lastSeen: now)]),
    ]

    static func compliance(scope: String? = nil) throws -> ComplianceReport {
        let period = try ReportPeriod(parsing: "2026-H2")
        let evaluation = ComplianceEvaluation(pack: try pack(), period: period, now: now)
        let portalFacts = ComplianceEvaluation.SystemFacts(
            system: portal, hosts: hosts, findings: findings, attestations: attestations, certificates: certificates)
        let mailFacts = ComplianceEvaluation.SystemFacts(system: mail, hosts: [], findings: [], attestations: [], certificates: [])
        return evaluation.report(scope: scope, systems: scope == nil ? [portalFacts, mailFacts] : [portalFacts])
    }

    /// 2026-H2 up to the fixture's now: web01 reported every day, db01 until it went quiet on
    /// 1 November; three alerts about the portal were delivered.
    static func monitoring() -> MonitoringFacts {
        let period = (try? ReportPeriod(parsing: "2026-H2")) ?? ReportPeriod.halfYear(containing: now)
        var facts = MonitoringFacts(period: period, reportingDays: [:], sentBySystem: ["hy-dvc": 3], deadBySystem: [:], sent: 3)
        let days = facts.days(now: now)
        let quiet = (Timestamp(iso8601: "2026-11-01T08:00:00Z") ?? now).microsecondsSinceEpoch / 86_400_000_000
        facts.reportingDays = ["a-web01": Set(days), "a-db01": Set(days.filter { $0 <= quiet })]
        return facts
    }

    static func coverage() -> CoverageReport {
        CoverageEvaluation(now: now, rulesVersion: "2026.11.0-test").report(
            systems: [portal, mail], hosts: hosts, certificates: certificates, monitoring: monitoring())
    }
}
