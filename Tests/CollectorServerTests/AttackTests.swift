import AgentSpool
import CanhModel
import CollectorClient
import Foundation
import Glibc
import NIOHTTP1
import Rules
import TestSupport
import Testing

/// Attacks from the review of issue 18, each through a real `canh-collector serve` with agents
/// enrolled by the real `canh-agent enroll`: what an enrolled agent or an API user of each role
/// can make the collector do, and what it must refuse.
@Suite struct AttackTests {
    @Test("absurd numbers from a viewer, an analyst, an admin and an agent are 400s naming the field, and the collector keeps serving")
    func absurdNumbers() async throws {
        let collector = try await CollectorProcess()
        let viewer = try await collector.client(token: try collector.userToken("watcher", role: "viewer"))
        let analyst = try await collector.client(token: try collector.userToken("triage", role: "analyst"))
        let admin = try collector.client()
        let enrolled = try await collector.enrollAgent(hostname: "web01")
        let agent = try collector.agentClient(enrolled.state)
        defer {
            Task {
                for client in [viewer, analyst, admin, agent] { await client.shutdown() }
            }
        }
        // Before the fix the first of these trapped on overflow and took the collector down.
        for (path, message) in [
            ("/api/v1/certs?expiring_within=110000000d", "expiring_within: a number of days from 0 to 3650"),
            ("/api/v1/certs?expiring_within=9223372036854775807", "expiring_within: a number of days from 0 to 3650"),
            ("/api/v1/certs?expiring_within=-5d", "expiring_within: a number of days from 0 to 3650"),
            ("/api/v1/findings?limit=9223372036854775808", "limit: 1 to 100000"),
            ("/api/v1/findings?since=99999-01-01", "since: an ISO 8601 time"),
        ] {
            let answer = try await viewer.raw(.GET, path, body: nil)
            #expect(answer.status == 400, "\(path): \(answer.body)")
            #expect(answer.body.contains(message), "\(path): \(answer.body)")
        }

        let record = attackRecord(host: "web01")
        #expect(try await agent.deliver([record]).accepted == 1)
        let forever = try await analyst.raw(
            .POST, "/api/v1/findings/\(record.fingerprint)/except", body: Array(#"{"reason":"r","until":"9999-12-31T00:00:00Z"}"#.utf8))
        #expect(forever.status == 400)
        #expect(forever.body.contains("more than three years away"), "\(forever.body)")
        let manual = try #require(
            try RunningCollector.rulePack().requirements.requirements.first { $0.check == .manual && $0.levels.contains(Level.all[2]) })
        let attestation = try await analyst.raw(
            .POST, "/api/v1/systems/hy-portal/attestations",
            body: Array(#"{"requirement":"\#(manual.id)","evidence":"e","expires_at":"9999-12-31T00:00:00Z"}"#.utf8))
        #expect(attestation.status == 400)
        #expect(attestation.body.contains("expires_at: at most three years from now"), "\(attestation.body)")
        let token = try await admin.raw(
            .POST, "/api/v1/tokens", body: Array(#"{"system":"hy-portal","expires_in":9223372036854775807,"uses":1}"#.utf8))
        #expect(token.status == 400)
        #expect(token.body.contains("expires_in: between 60 seconds and 90 days"), "\(token.body)")

        // A record from year 9999 would hold its finding's last-seen there for good.
        var future = attackRecord(host: "web01", rule: "time.sync.disabled", at: "2026-11-21T10:00:00Z")
        future.time = .at("9999-12-31T23:59:59Z")
        let refused = try await agent.raw(.POST, "/api/v1/records", body: CollectorClient.batchBody([attackRecord(host: "web01"), future]))
        #expect(refused.status == 400)
        #expect(refused.body.contains("records[1].time: 9999-12-31T23:59:59Z is more than a day ahead"), "\(refused.body)")
        var huge = Array(CollectorClient.batchBody([attackRecord(host: "web01", rule: "time.sync.disabled")]))
        huge = Array(
            String(decoding: huge, as: UTF8.self).replacingOccurrences(of: #""count":1"#, with: #""count":9223372036854775807"#).utf8)
        let hugeCount = try await agent.raw(.POST, "/api/v1/records", body: huge)
        #expect(hugeCount.status == 400)
        #expect(hugeCount.body.contains("records[0].count"), "\(hugeCount.body)")

        let flag = try await collector.command(
            ["certs", "--expiring-within", "110000000d"], token: try collector.userToken("reader", role: "viewer"))
        #expect(flag.status == 2)
        #expect(flag.standardError.contains("--expiring-within 110000000d: a number of days from 0 to 3650"), "\(flag.standardError)")
        #expect(try await viewer.raw(.GET, "/healthz", body: nil).status == 200, "the collector still serves")
        let findings: [FindingState] = try await viewer.get("/api/v1/findings")
        #expect(findings.count == 1, "nothing of the refused batches was stored")
    }

    @Test("a host name is held by one host: a second machine under it is refused, --replace takes its place and its findings")
    func oneHostPerName() async throws {
        let collector = try await collector(systems: ["hy-dvc"])
        let firstMachine = MachineIDs.fresh()
        let first = try await collector.enrollAgent(hostname: "web01", machineID: firstMachine)
        #expect(first.result.status == 0, "\(first.result.standardError)")
        let oldAgent = try collector.agentClient(first.state)
        defer { Task { await oldAgent.shutdown() } }
        let opened = attackRecord(host: "web01", at: "2026-11-21T10:00:00Z")
        #expect(try await oldAgent.deliver([opened]).accepted == 1)

        // Before the fix each of these enrolled a second host whose records shared web01's fingerprints.
        for (name, machine) in [("web01", MachineIDs.fresh()), ("WEB01", MachineIDs.fresh()), ("web02", firstMachine)] {
            let second = try await collector.enrollAgent(hostname: name, machineID: machine)
            #expect(second.result.status == 2, "\(name): \(second.result.standardOutput)")
            #expect(second.result.standardError.contains("HTTP 409"), "\(second.result.standardError)")
            #expect(second.result.standardError.contains("is held by agent"), "\(second.result.standardError)")
            #expect(second.result.standardError.contains("--replace"), "\(second.result.standardError)")
        }
        // The other system is no way round it.
        let elsewhere = try await collector.enrollAgent(hostname: "web01", machineID: MachineIDs.fresh(), system: "hy-dvc")
        #expect(elsewhere.result.status == 2, "\(elsewhere.result.standardOutput)")

        let rebuilt = try await collector.enrollAgent(hostname: "web01", machineID: MachineIDs.fresh(), replace: true)
        try #require(rebuilt.result.status == 0, "\(rebuilt.result.standardError)")
        #expect(rebuilt.result.standardOutput.contains("replaced agent"), "\(rebuilt.result.standardOutput)")
        let refusedOld = try await oldAgent.raw(.POST, "/api/v1/heartbeat", body: Array(#"{"spool_depth":0}"#.utf8))
        #expect(refusedOld.status == 403, "the replaced agent is revoked: \(refusedOld.body)")

        let newAgent = try collector.agentClient(rebuilt.state)
        defer { Task { await newAgent.shutdown() } }
        #expect(try await newAgent.deliver([attackRecord(host: "web01", outcome: .pass, at: "2026-11-22T10:00:00Z")]).accepted == 1)
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let findings: [FindingState] = try await admin.get("/api/v1/findings", query: [("host", "web01")])
        #expect(findings.count == 1, "one finding per fingerprint")
        #expect(findings.first?.status == .resolved, "the new agent's pass resolved the finding the old one opened")
        let hosts: [EnrolledHost] = try await admin.get("/api/v1/hosts")
        #expect(hosts.filter { $0.status != .revoked }.map(\.hostname) == ["web01"])
        #expect(hosts.contains { $0.status == .revoked && $0.replacedBy != nil })
        let audit = try await collector.command(["audit", "--format", "csv"])
        #expect(audit.standardOutput.contains("host.replace"), "\(audit.standardOutput)")
        #expect(audit.standardOutput.contains("1 finding(s) moved"), "\(audit.standardOutput)")
        let acknowledged = try await collector.command(["findings", "ack", opened.fingerprint, "--reason", "seen"])
        #expect(acknowledged.status == 2, "a resolved finding is not acknowledged: \(acknowledged.standardOutput)")

        // Names that are not host names never become part of a fingerprint or a table.
        for name in ["web01\nevil", "web 01", "-web", "web01;rm", String(repeating: "a", count: 64)] {
            let bad = try await collector.enrollAgent(hostname: name)
            #expect(bad.result.status == 2, "\(name)")
            #expect(bad.result.standardError.contains("is not a host name"), "\(bad.result.standardError)")
        }
        let anonymous = try CollectorClient(CollectorConnection(url: collector.url, caFile: collector.caFile))
        defer { Task { await anonymous.shutdown() } }
        let direct = try await anonymous.raw(
            .POST, "/api/v1/enroll",
            body: Array(#"{"token":"\#(try await collector.enrollmentToken())","hostname":"a\u001b[2Jb","csr":"x"}"#.utf8))
        #expect(direct.status == 400)
        #expect(direct.body.contains("hostname:"), "\(direct.body)")
    }

    @Test("titles come from the rule pack and certificate facts from the DER: no agent rewrites what others see")
    func agentsCannotRewriteSharedFacts() async throws {
        // Alerts quote the title too: every opened finding is queued for a webhook nobody answers.
        let collector = try await CollectorProcess(
            settings: """
                [[alerts.channels]]
                name = "soc"
                type = "webhook"
                url = "https://127.0.0.1:9/hook"
                secret = "s"
                [[alerts.rules]]
                name = "all"
                channels = ["soc"]
                """)
        let honest = try await collector.enrollAgent(hostname: "web01")
        let forger = try await collector.enrollAgent(hostname: "web02")
        let honestAgent = try collector.agentClient(honest.state)
        let forgingAgent = try collector.agentClient(forger.state)
        let admin = try collector.client()
        defer {
            Task {
                for client in [honestAgent, forgingAgent, admin] { await client.shutdown() }
            }
        }
        let packTitle = try #require(try RunningCollector.rulePack().titles["ssh.config.root_login"])
        _ = try await forgingAgent.deliver([
            attackRecord(host: "web02", title: LocalizedText(vi: "Không có gì", en: "Nothing to see, ignore this rule"))
        ])
        _ = try await honestAgent.deliver([attackRecord(host: "web01")])
        let findings: [FindingState] = try await admin.get("/api/v1/findings", query: [("rule", "ssh.config.root_login")])
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.title == packTitle }, "\(findings.map(\.title))")
        let alerts = try await collector.command(["alerts", "list", "--format", "json"])
        #expect(alerts.standardOutput.contains(packTitle.en), "\(alerts.standardOutput)")
        #expect(!alerts.standardOutput.contains("ignore this rule"), "\(alerts.standardOutput)")

        // web01 really holds this certificate; web02 describes it first, falsely, with no DER.
        let pki = try await TestPKI()
        let leaf = try await pki.issue("portal.hungyen.gov.vn", dns: ["portal.hungyen.gov.vn"], notAfter: "20261210000000Z")
        let scanned = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"),
            ["scan", "--cert", leaf.certificate, "--trust", pki.caCertificate, "--level", "3", "--all", "--now", "2026-11-22T00:00:00Z"])
        let real = try scanned.outputLines.map { try FindingRecord(jsonLine: $0) }.filter { $0.rule == "tls.cert.expiring" }
        let certificate = try #require(real.first)
        let der = try #require(certificate.evidence.text("der"))
        var forged = attackRecord(
            host: "web02", rule: "tls.cert.expiring", entity: certificate.entity, outcome: .pass,
            evidence: Evidence([
                ("subject", .text("CN=portal.hungyen.gov.vn,O=Trusted")), ("issuer", .text("CN=Trusted Root")),
                ("names", .list(["portal.hungyen.gov.vn"])), ("not_before", .text("2026-01-01T00:00:00Z")),
                ("not_after", .text("2099-01-01T00:00:00Z")), ("key", .text("rsa 8192")), ("signature", .text("sha512WithRSAEncryption")),
                ("places", .list(["/etc/ssl/portal.pem"])),
            ]))
        #expect(try await forgingAgent.deliver([forged]).accepted == 1, "the finding itself is web02's to report")
        let beforeHonest: [CertificateRecord] = try await admin.get("/api/v1/certs")
        #expect(beforeHonest.isEmpty, "a description without the certificate enters no inventory: \(beforeHonest)")

        // Another certificate's DER, or bytes that are no certificate, under this fingerprint: refused.
        let other = try await pki.issue("other.hungyen.gov.vn", dns: ["other.hungyen.gov.vn"])
        let otherScan = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"),
            ["scan", "--cert", other.certificate, "--level", "3", "--all", "--now", "2026-11-22T00:00:00Z"])
        let otherDER = try #require(
            try otherScan.outputLines.map { try FindingRecord(jsonLine: $0) }.first { $0.rule == "tls.cert.expiring" }?
                .evidence.text("der"))
        for (bytes, message) in [(otherDER, "its SHA-256 is"), ("not base64!", "not base64"), ("AAAA", "not an X.509 certificate")] {
            forged.evidence["der"] = .text(bytes)
            forged.id = FindingRecord.id(fingerprint: forged.fingerprint, outcome: .pass, trigger: bytes)
            let answer = try await forgingAgent.raw(.POST, "/api/v1/records", body: CollectorClient.batchBody([forged]))
            #expect(answer.status == 400, "\(message): \(answer.body)")
            #expect(answer.body.contains("records[0].evidence.der: \(message)"), "\(answer.body)")
        }

        var honestRecord = certificate
        honestRecord.host = "web01"
        honestRecord.fingerprint = FindingRecord.fingerprint(host: "web01", rule: certificate.rule, entity: certificate.entity)
        honestRecord.id = FindingRecord.id(fingerprint: honestRecord.fingerprint, outcome: certificate.outcome, trigger: "honest")
        #expect(try await honestAgent.deliver([honestRecord]).accepted == 1)
        let inventory: [CertificateRecord] = try await admin.get("/api/v1/certs")
        let entry = try #require(inventory.first)
        #expect(inventory.count == 1)
        #expect(entry.fingerprint == certificate.entity)
        #expect(entry.subject == "CN=portal.hungyen.gov.vn")
        #expect(entry.notAfter == .at("2026-12-10T00:00:00Z"), "read from the DER, not the 2099 claim")
        #expect(entry.key == "rsa 2048")
        #expect(entry.places.map(\.host) == ["web01"])
        let stored: [FindingState] = try await admin.get("/api/v1/findings", query: [("host", "web01"), ("rule", "tls.cert.expiring")])
        #expect(stored.first.map { !$0.evidence.contains("\"der\"") } == true, "the DER is not kept in the finding")
        _ = der
    }

    @Test("a NUL, an escape or another control character in an id, rule or entity is a 400 naming it, and nothing of the batch is kept")
    func controlCharactersInIdentifiers() async throws {
        let collector = try await CollectorProcess()
        let enrolled = try await collector.enrollAgent(hostname: "web01")
        let agent = try collector.agentClient(enrolled.state)
        let admin = try collector.client()
        defer {
            Task {
                for client in [agent, admin] { await client.shutdown() }
            }
        }
        // The fingerprint hashes the whole entity; before the fix the store kept it cut at the NUL.
        for (record, field) in [
            (attackRecord(host: "web01", rule: "auth.ssh.bruteforce", entity: "198.51.100.7\u{0}evil"), "records[1].entity"),
            (attackRecord(host: "web01", rule: "auth.ssh.invalid_user", entity: "root\u{1b}[2J"), "records[1].entity"),
            (attackRecord(host: "web01", rule: "auth\u{7f}.ssh"), "records[1].rule"),
            (attackRecord(host: "web01", rule: "auth.sudo.failure", entity: "a\u{85}b"), "records[1].entity"),
        ] {
            let good = attackRecord(host: "web01", rule: "time.sync.disabled")
            let answer = try await agent.raw(.POST, "/api/v1/records", body: CollectorClient.batchBody([good, record]))
            #expect(answer.status == 400, "\(field): \(answer.body)")
            #expect(answer.body.contains("\(field): contains a control character"), "\(answer.body)")
        }
        var nulID = attackRecord(host: "web01")
        nulID.id = "id\u{0}"
        let idAnswer = try await agent.raw(.POST, "/api/v1/records", body: CollectorClient.batchBody([nulID]))
        #expect(idAnswer.body.contains("records[0].id: contains a control character"), "\(idAnswer.body)")
        let heartbeat = try await agent.raw(.POST, "/api/v1/heartbeat", body: Array(#"{"agent_version":"1.0\u001b]0;pwned\u0007"}"#.utf8))
        #expect(heartbeat.status == 400)
        #expect(heartbeat.body.contains("agent_version"), "\(heartbeat.body)")
        let findings: [FindingState] = try await admin.get("/api/v1/findings")
        #expect(findings.isEmpty, "\(findings.map(\.entity))")
        let system = try await collector.command([
            "system", "add", "--id", "hy-x", "--name", "Cổng\n\u{1b}[2Jgiả", "--owner", "UBND", "--level", "3",
        ])
        #expect(system.status == 2)
        #expect(system.standardError.contains("name: at most 512 characters and no control characters"), "\(system.standardError)")
    }

    @Test("the Bearer scheme is case-insensitive; a garbage or RSA-1024 request is refused in words, without the library's paths")
    func authenticationDetails() async throws {
        let collector = try await CollectorProcess()
        let anonymous = try CollectorClient(CollectorConnection(url: collector.url, caFile: collector.caFile))
        defer { Task { await anonymous.shutdown() } }
        for scheme in ["bearer", "BEARER", "Bearer"] {
            let answer = try await ProcessRunner.run(
                "/usr/bin/curl",
                [
                    "-s", "--cacert", collector.caFile, "-H", "Authorization: \(scheme) \(collector.adminToken)",
                    collector.url + "/api/v1/systems",
                ])
            #expect(answer.standardOutput.contains("hy-portal"), "\(scheme): \(answer.standardOutput)")
        }
        let work = try TemporaryDirectory(prefix: "canh-csr")
        _ = try await ProcessRunner.run(
            "/usr/bin/openssl",
            ["req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", work.file("k"), "-subj", "/CN=weak", "-out", work.file("csr")])
        let weak = try String(contentsOfFile: work.file("csr"), encoding: .utf8)
        for csr in ["garbage", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", weak] {
            let body = try JSONEncoder().encode(
                APIMessages.EnrollRequest(token: try await collector.enrollmentToken(), hostname: "web09", csr: csr))
            let answer = try await anonymous.raw(.POST, "/api/v1/enroll", body: Array(body))
            #expect(answer.status == 400)
            #expect(answer.body.contains("csr: certificate request refused"), "\(answer.body)")
            #expect(!answer.body.contains(".swift"), "\(answer.body)")
        }
    }
}

extension AttackTests {
    @Test("the store, its WAL and the agent's spool are the owner's alone; enroll takes its token from CANH_TOKEN, never needing argv")
    func privateFilesAndTokens() async throws {
        let collector = try await CollectorProcess()
        let state = try TemporaryDirectory(prefix: "canh-token-env")
        let agentBinary = ProcessRunner.builtProduct("canh-agent")
        let arguments = [
            "enroll", "--collector", collector.url, "--ca", collector.caFile, "--state-dir", state.file("state"), "--hostname", "db01",
        ]
        let none = try await ProcessRunner.run(agentBinary, arguments, environment: ["CANH_TOKEN": ""])
        #expect(none.status == 2)
        #expect(none.standardError.contains("no enrollment token: give --token-file FILE, CANH_TOKEN or --token"), "\(none.standardError)")
        let fromEnvironment = try await ProcessRunner.run(
            agentBinary, arguments + ["--machine-id", MachineIDs.fresh()],
            environment: ["CANH_TOKEN": try await collector.enrollmentToken()])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.standardError)")

        let agent = try collector.agentClient(state)
        defer { Task { await agent.shutdown() } }
        _ = try await agent.deliver([attackRecord(host: "db01")])
        func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        // Before the fix these were 0644: any local user could read every finding of the province.
        for file in ["canh.sqlite", "canh.sqlite-wal", "canh.sqlite-shm"] {
            #expect(try mode(collector.data.file(file)) == 0o600, "\(file)")
        }
        let spoolPath = state.file("spool.sqlite")
        _ = try Spool(path: spoolPath, capacityBytes: 1 << 20)
        #expect(try mode(spoolPath) == 0o600)
        #expect(chmod(spoolPath, 0o644) == 0)
        _ = try Spool(path: spoolPath, capacityBytes: 1 << 20)
        #expect(try mode(spoolPath) == 0o600, "an older spool is made private when opened")
    }

    /// A collector serving the portal system and, if asked, others (same level, same owner).
    func collector(systems: [String]) async throws -> CollectorProcess {
        let collector = try await CollectorProcess()
        for system in systems {
            let added = try await collector.command(["system", "add", "--id", system, "--name", system, "--owner", "UBND", "--level", "3"])
            guard added.status == 0 else { throw FixtureError(description: added.standardError) }
        }
        return collector
    }
}
