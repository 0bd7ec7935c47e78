import CanhModel
import Reports
import Testing

@Suite struct ComplianceEvaluationTests {
    private func requirement(_ id: String, of system: SystemCompliance) throws -> RequirementCompliance {
        try #require(system.requirements.first { $0.id == id })
    }

    @Test func everyApplicableRequirementGetsAStatusWithItsReason() throws {
        let report = try ReportFixture.compliance()
        let portal = try #require(report.systems.first)
        // Level 3: all six fixture requirements apply.
        #expect(portal.requirements.map(\.id) == ["T-SRV-ROOT", "T-APP-CERT", "T-DAT-KEY", "T-NET-FW", "T-MGT-PLAN", "T-MGT-DRILL"])
        let root = try requirement("T-SRV-ROOT", of: portal)
        #expect((root.status, root.reason) == (.fail, .openFindings))
        // The open root login first, then the exception; the one from March is outside 2026-H2.
        #expect(root.findings.map(\.entity) == ["10.20.0.5", "=cmd|' /C calc'!A0"])
        #expect(root.findingsTotal == 2)
        let certificate = try requirement("T-APP-CERT", of: portal)
        #expect((certificate.status, certificate.reason) == (.pass, .checksPassed))
        #expect(certificate.lastChecked == ReportFixture.time("2026-11-22T02:00:00Z"))
        #expect(certificate.hosts == ["db01", "web01"])
        // The rule and host that proved the pass, host by host.
        #expect(certificate.proof.map { "\($0.rule) @ \($0.host)" } == ["tls.cert.expired @ db01", "tls.cert.expired @ web01"])
        #expect(certificate.proof.last?.observedAt == ReportFixture.time("2026-11-22T02:00:00Z"))
        let key = try requirement("T-DAT-KEY", of: portal)
        #expect((key.status, key.reason) == (.notEvaluated, .neverChecked))
        let firewall = try requirement("T-NET-FW", of: portal)
        #expect((firewall.status, firewall.reason, firewall.rules) == (.notEvaluated, .noRules, []))
        let plan = try requirement("T-MGT-PLAN", of: portal)
        #expect((plan.status, plan.reason) == (.manual, .attested))
        #expect(plan.attestation?.attestedBy == "user:lan")
        let drill = try requirement("T-MGT-DRILL", of: portal)
        #expect((drill.status, drill.reason) == (.notEvaluated, .attestationExpired))
        #expect(portal.summary.pass == 1 && portal.summary.fail == 1 && portal.summary.notEvaluated == 3 && portal.summary.manual == 1)
        #expect(portal.summary.met == 2)
    }

    @Test func aSystemWithoutHostsIsNotEvaluatedAndItsLevelDecidesWhatApplies() throws {
        let report = try ReportFixture.compliance()
        let mail = try #require(report.systems.last)
        // Level 2: the level-3 requirements (T-NET-FW, T-MGT-DRILL) do not apply.
        #expect(mail.requirements.map(\.id) == ["T-SRV-ROOT", "T-APP-CERT", "T-DAT-KEY", "T-MGT-PLAN"])
        #expect(mail.requirements.map(\.reason) == [.noHosts, .noHosts, .noHosts, .noAttestation])
        #expect(mail.summary.notEvaluated == 4)
    }

    @Test func handledDetectionsAloneNeverMakeAPass() throws {
        var findings = ReportFixture.findings
        findings[0].status = .resolved
        let evaluation = ComplianceEvaluation(
            pack: try ReportFixture.pack(), period: try ReportPeriod(parsing: "2026-H2"), now: ReportFixture.now)
        let portal = evaluation.evaluate(
            .init(system: ReportFixture.portal, hosts: ReportFixture.hosts, findings: findings, attestations: [], certificates: []))
        let root = try requirement("T-SRV-ROOT", of: portal)
        // Nothing detected is not proof: only detections cite it, so it is not evaluated.
        #expect((root.status, root.reason) == (.notEvaluated, .detectionsOnly))
        #expect(root.proof.isEmpty)
        // The hosts that were watched in the period are still shown (the revoked one does not count).
        #expect(root.hosts == ["db01", "web01"])

        // In a period when no host reported, nothing is known.
        let early = ComplianceEvaluation(
            pack: try ReportFixture.pack(), period: try ReportPeriod(parsing: "2026-Q1"), now: ReportFixture.now)
        let before = early.evaluate(
            .init(system: ReportFixture.portal, hosts: ReportFixture.hosts, findings: [], attestations: [], certificates: []))
        #expect(try requirement("T-SRV-ROOT", of: before).reason == .noReportsInPeriod)
    }

    @Test func aPassNeedsAStatePassOnEveryMonitoredHost() throws {
        let evaluation = ComplianceEvaluation(
            pack: try ReportFixture.pack(), period: try ReportPeriod(parsing: "2026-H2"), now: ReportFixture.now)
        func judged(_ findings: [FindingState]) throws -> RequirementCompliance {
            try requirement(
                "T-APP-CERT",
                of: evaluation.evaluate(
                    .init(system: ReportFixture.portal, hosts: ReportFixture.hosts, findings: findings, attestations: [], certificates: []))
            )
        }
        let webPass = ReportFixture.findings[3]
        // web01 passed; db01, monitored though quiet since November, never reported the check.
        let onlyWeb = try judged([webPass])
        #expect((onlyWeb.status, onlyWeb.reason, onlyWeb.unproven) == (.notEvaluated, .notProvenOnEveryHost, ["db01"]))
        #expect(onlyWeb.proof.isEmpty)

        // An accepted exception on db01 is not a pass observed there.
        let excepted = ReportFixture.finding(
            "tls.cert.expired", "/etc/ssl/legacy.pem", host: "db01", status: .excepted, outcome: .fail, first: "2026-08-01T00:00:00Z",
            last: "2026-11-01T00:00:00Z", exceptedUntil: "2027-01-01T00:00:00Z", requirement: "T-APP-CERT")
        #expect(try judged([webPass, excepted]).unproven == ["db01"])

        // A pass on db01 last seen before the period proves nothing about it.
        var old = ReportFixture.findings[4]
        (old.firstSeen, old.lastSeen) = (ReportFixture.time("2026-03-01T00:00:00Z"), ReportFixture.time("2026-06-01T00:00:00Z"))
        #expect(try judged([webPass, old]).reason == .notProvenOnEveryHost)

        // A pass on db01 beside a check there that could not run: the error is unhandled.
        let erred = ReportFixture.finding(
            "tls.cert.expired", "/etc/ssl/unreadable.pem", host: "db01", status: .open, outcome: .error, first: "2026-10-01T00:00:00Z",
            last: "2026-11-01T00:00:00Z", requirement: "T-APP-CERT")
        #expect(try judged([webPass, ReportFixture.findings[4], erred]).unproven == ["db01"])

        // Both hosts proven: pass, with the proof of each.
        let both = try judged([webPass, ReportFixture.findings[4]])
        #expect((both.status, both.reason) == (.pass, .checksPassed))
        #expect(both.proof.map(\.host) == ["db01", "web01"])
    }

    @Test func aCheckThatOnlyErredIsNotEvaluated() throws {
        let erred = ReportFixture.finding(
            "tls.cert.weak_key", "/etc/ssl/unreadable.pem", status: .open, outcome: .error, first: "2026-11-01T00:00:00Z",
            last: "2026-11-22T00:00:00Z", requirement: "T-DAT-KEY")
        let evaluation = ComplianceEvaluation(
            pack: try ReportFixture.pack(), period: try ReportPeriod(parsing: "2026-H2"), now: ReportFixture.now)
        let portal = evaluation.evaluate(
            .init(system: ReportFixture.portal, hosts: ReportFixture.hosts, findings: [erred], attestations: [], certificates: []))
        let key = try requirement("T-DAT-KEY", of: portal)
        #expect((key.status, key.reason) == (.notEvaluated, .checkErrors))
    }

    @Test func certificatesCarryTheirDaysLeft() throws {
        let portal = try #require(try ReportFixture.compliance().systems.first)
        #expect(portal.certificates.map(\.daysLeft) == [-22, 17])
        #expect(CertificateBin.bins(daysLeft: portal.certificates.map(\.daysLeft)).map(\.count) == [1, 0, 1, 0, 0])
    }
}
