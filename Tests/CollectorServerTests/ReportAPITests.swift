import CanhModel
import CollectorClient
import Foundation
import NIOHTTP1
import Reports
import Rules
import TestSupport
import Testing

/// Reports and attestations through the API, judged on what an enrolled agent delivered.
extension CollectorAPITests {
    struct ReportEnvelope<Data: Decodable>: Decodable {
        var data: Data
        var digest: String
        var report: String
    }

    func compliance(_ admin: CollectorClient, query: [(String, String?)] = [("system", "hy-dvc")]) async throws -> ComplianceReport {
        let bytes = try await admin.download("/api/v1/reports/compliance", query: query + [("format", "json")])
        return try JSONDecoder().decode(ReportEnvelope<ComplianceReport>.self, from: Data(bytes)).data
    }

    @Test("compliance judged on delivered findings and attestations; coverage counts the estate; refusals name the field")
    func reportsAndAttestations() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        let admin = try collector.client()
        defer {
            Task {
                await agent.shutdown()
                await admin.shutdown()
            }
        }
        let _: APIMessages.HeartbeatReply = try await agent.post(
            "/api/v1/heartbeat", body: APIMessages.Heartbeat(agentVersion: "test", rulesVersion: "2026.11.0", spoolDepth: 0))
        _ = try await agent.deliver([
            record(host: "web01", rule: "auth.ssh.root_login", entity: "198.51.100.7", at: "2026-11-21T23:00:00Z")
        ])

        let pack = try RunningCollector.rulePack()
        let manual = try #require(
            pack.requirements.requirements.first { $0.check == .manual && $0.levels.contains(portal.level) })
        let automated = try #require(pack.requirements.requirements.first { $0.check == .automated })
        let attestation: Attestation = try await admin.post(
            "/api/v1/systems/hy-dvc/attestations",
            body: APIMessages.AttestationRequest(requirement: manual.id, evidence: "Quyết định 88/QĐ-SKHCN", expiresAt: .at("2027-11-22")))
        #expect(attestation.attestedBy == "user:admin")

        var report = try await compliance(admin)
        let system = try #require(report.systems.first)
        #expect(report.rulesVersion == pack.version)
        #expect(report.period.label == "2026-H2", "the default period is the current half-year")
        #expect(system.requirements.count == pack.requirements.requirements.count { $0.levels.contains(portal.level) })
        let rootLogins = try #require(system.requirements.first { $0.id == "ND85-SRV-AUTH-02" })
        #expect(rootLogins.status == .fail)
        #expect(rootLogins.findings.map(\.entity) == ["198.51.100.7"])
        let attested = try #require(system.requirements.first { $0.id == manual.id })
        #expect((attested.status, attested.attestation?.evidence) == (.manual, "Quyết định 88/QĐ-SKHCN"))
        #expect(system.hosts.map(\.hostname) == ["web01"])

        let coverageBytes = try await admin.download("/api/v1/reports/coverage", query: [("format", "json")])
        let coverage = try JSONDecoder().decode(ReportEnvelope<CoverageReport>.self, from: Data(coverageBytes)).data
        #expect((coverage.totals.systems, coverage.totals.approved, coverage.totals.monitored) == (1, 1, 1))
        let csv = try await admin.download("/api/v1/reports/compliance", query: [("system", "hy-dvc"), ("format", "csv"), ("lang", "en")])
        #expect(String(decoding: csv, as: UTF8.self).contains("ND85-SRV-AUTH-02"))

        // Refused, with what to do.
        let automatic = try await admin.raw(
            .POST, "/api/v1/systems/hy-dvc/attestations",
            body: Array(#"{"requirement":"\#(automated.id)","evidence":"trust me"}"#.utf8))
        #expect(automatic.status == 400)
        #expect(automatic.body.contains("is checked automatically by rules; only manual ones are attested"))
        let unknown = try await admin.raw(
            .POST, "/api/v1/systems/hy-dvc/attestations", body: Array(#"{"requirement":"ND85-NOPE","evidence":"x"}"#.utf8))
        #expect(unknown.status == 400)
        #expect(unknown.body.contains("ND85-NOPE is not in the requirement catalogue"))
        let empty = try await admin.raw(
            .POST, "/api/v1/systems/hy-dvc/attestations", body: Array(#"{"requirement":"\#(manual.id)","evidence":" "}"#.utf8))
        #expect(empty.status == 400)
        let period = try await admin.raw(.GET, "/api/v1/reports/compliance?system=hy-dvc&period=2026-H3", body: nil)
        #expect(period.status == 400)
        #expect(period.body.contains("period \\\"2026-H3\\\": give a year (2026)"))
        let format = try await admin.raw(.GET, "/api/v1/reports/coverage?format=odt", body: nil)
        #expect(format.status == 400)
        #expect(format.body.contains("format: one of html, csv, json, pdf, docx"), "\(format.body)")
        let missing = try await admin.raw(.GET, "/api/v1/reports/compliance?system=hy-nope", body: nil)
        #expect(missing.status == 404)
        let agentCannot = try await agent.raw(.GET, "/api/v1/reports/coverage", body: nil)
        #expect(agentCannot.status == 403)

        // Withdrawn: the requirement is not evaluated any more; the audit log says who did what.
        try await admin.delete("/api/v1/systems/hy-dvc/attestations/\(manual.id)")
        report = try await compliance(admin)
        #expect(report.systems.first?.requirements.first { $0.id == manual.id }?.reason == .noAttestation)
        let audit: [AuditEntry] = try await admin.get("/api/v1/audit")
        #expect(audit.map(\.action).contains("attestation.add"))
        #expect(audit.map(\.action).contains("attestation.withdraw"))
    }

    @Test("one evaluation in every format: ?digest= renders an earlier evaluation again; a forgotten or malformed digest is refused")
    func oneEvaluationEveryFormat() async throws {
        let collector = try await collector()
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let json = try await admin.download("/api/v1/reports/annual", query: [("year", "2026"), ("format", "json")])
        let digest = try JSONDecoder().decode(ReportEnvelope<AnnualReport>.self, from: Data(json)).digest
        for format in ["csv", "html"] {
            let again = try await admin.raw(.GET, "/api/v1/reports/annual?year=2026&format=\(format)&digest=\(digest)", body: nil)
            #expect(again.status == 200)
            #expect(again.body.contains(digest), "\(format) of the same evaluation carries its digest")
        }
        let compliance = try await admin.raw(.GET, "/api/v1/reports/compliance?system=hy-dvc&digest=\(digest)", body: nil)
        #expect(compliance.status == 404, "an annual evaluation is not a compliance report")
        let forgotten = try await admin.raw(.GET, "/api/v1/reports/annual?year=2026&digest=\(String(repeating: "0", count: 64))", body: nil)
        #expect(forgotten.status == 404)
        #expect(forgotten.body.contains("ask without digest for a new one"), "\(forgotten.body)")
        let malformed = try await admin.raw(.GET, "/api/v1/reports/coverage?digest=../../etc", body: nil)
        #expect(malformed.status == 400)
        #expect(malformed.body.contains("digest: the 64 hexadecimal digits"), "\(malformed.body)")
    }
}
