import Agent
import AgentSpool
import CanhModel
import CollectorClient
import CollectorServer
import CollectorStore
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The collector over real HTTPS on 127.0.0.1 with the certificates `init` makes: enrollment,
/// mutual TLS, ingest, roles and what is refused.
@Suite struct CollectorAPITests {
    let portal = InformationSystem(
        id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2], dossier: .approved,
        decisionNumber: "1234/QĐ-UBND", decisionDate: "2025-06-30")

    /// A collector with the portal system registered.
    func collector() async throws -> RunningCollector {
        let collector = try await RunningCollector()
        let admin = try collector.client()
        let _: InformationSystem = try await admin.post("/api/v1/systems", body: portal)
        await admin.shutdown()
        return collector
    }

    @Test("a client dropped without shutdown after a refused request closes its connections quietly (no stop in a debug build)")
    func droppedClient() async throws {
        let collector = try await collector()
        var admin: CollectorClient? = try collector.client()
        await #expect(throws: CollectorClientError.self) {
            let _: [FindingState] = try await admin?.get("/api/v1/no-such-thing") ?? []
        }
        admin = nil
        // AsyncHTTPClient's deinit check would have stopped the test process by now.
        try await Task.sleep(for: .milliseconds(300))
        #expect(admin == nil)
    }

    func enrollmentToken(_ collector: RunningCollector, uses: Int = 1, expiresIn: Int = 3600) async throws -> String {
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let answer: APIMessages.TokenResponse = try await admin.post(
            "/api/v1/tokens", body: APIMessages.TokenRequest(system: "hy-dvc", expiresIn: expiresIn, uses: uses))
        return answer.token
    }

    /// Enrolls an agent named `hostname` the way `canh-agent enroll` does; returns its state directory.
    func enroll(_ collector: RunningCollector, hostname: String, token: String) async throws -> TemporaryDirectory {
        let state = try TemporaryDirectory(prefix: "canh-agent-state")
        _ = try await Enrollment(collectorURL: collector.url, caFile: collector.files.caCertificate, stateDirectory: state.path + "/state")
            .enroll(token: token, hostname: hostname, agentVersion: "test", machineID: MachineIDs.fresh())
        return state
    }

    func record(host: String, rule: String = "ssh.config.root_login", entity: String? = nil, outcome: Outcome = .fail, at time: String)
        -> FindingRecord
    {
        let entity = entity ?? host
        let fingerprint = FindingRecord.fingerprint(host: host, rule: rule, entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time), fingerprint: fingerprint, rule: rule,
            outcome: outcome, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-02"], host: host, entity: entity,
            time: .at(time), firstSeen: nil, count: 1, title: LocalizedText(vi: "Cho phép root", en: "Root allowed"),
            evidence: Evidence([("permit_root_login", .text("yes (/etc/ssh/sshd_config:3)"))]))
    }

    @Test("the spool delivers in batches over mutual TLS; an unreachable collector leaves it whole; a re-send is stored once")
    func spoolDelivery() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        defer { Task { await agent.shutdown() } }
        let spool = try Spool(path: state.file("spool.sqlite"), capacityBytes: 1 << 20)
        let records = (0..<7).map { record(host: "web01", entity: "e\($0)", at: "2026-11-22T01:00:0\($0)Z") }
        try spool.append(records)

        let nowhere = try CollectorClient(
            CollectorConnection(
                url: "https://127.0.0.1:\(try FreePort.next())", caFile: collector.files.caCertificate,
                clientCertificateFile: state.path + "/state/agent.pem", clientKeyFile: state.path + "/state/agent.key"))
        defer { Task { await nowhere.shutdown() } }
        await #expect(throws: DeliveryError.self) { try await Delivery(spool: spool, client: nowhere).deliverPending() }
        #expect(try spool.depth().records == 7)

        let delivery = Delivery(spool: spool, client: agent, batchSize: 3)
        #expect(try await delivery.deliverPending() == 7)
        #expect(try spool.depth().records == 0)
        #expect(try await collector.store.findings(FindingFilter(host: "web01")).count == 7)
        try spool.append(records)
        #expect(try await delivery.deliverPending() == 7)
        let stored = try await collector.store.findings(FindingFilter(host: "web01"))
        #expect(stored.count == 7)
        #expect(stored.allSatisfy { $0.count == 1 })
    }

    @Test("an enrolled agent delivers over mutual TLS; a re-sent batch is stored once; the admin sees the finding")
    func enrollAndDeliver() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let identity = try JSONDecoder().decode(
            Enrollment.Identity.self, from: Data(contentsOf: URL(fileURLWithPath: state.path + "/state/enrollment.json")))
        #expect(identity.system == "hy-dvc")
        #expect(identity.level == Level.all[2])
        for file in ["agent.key", "agent.pem", "collector-ca.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: state.path + "/state/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }

        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        let batch = [
            record(host: "web01", at: "2026-11-21T10:00:00Z"),
            record(host: "web01", rule: "time.sync.disabled", at: "2026-11-21T10:00:00Z"),
        ]
        #expect(try await agent.deliver(batch) == IngestSummary(accepted: 2, duplicates: 0))
        #expect(try await agent.deliver(batch) == IngestSummary(accepted: 0, duplicates: 2))
        await agent.shutdown()

        let admin = try collector.client()
        let findings: [FindingState] = try await admin.get("/api/v1/findings", query: [("system", "hy-dvc")])
        #expect(findings.map(\.rule).sorted() == ["ssh.config.root_login", "time.sync.disabled"])
        #expect(findings.allSatisfy { $0.count == 1 && $0.status == .open && $0.host == "web01" })
        let hosts: [EnrolledHost] = try await admin.get("/api/v1/hosts")
        #expect(hosts.map(\.hostname) == ["web01"])
        #expect(hosts.first?.lastSeen == .at("2026-11-22T00:00:00Z"))
        let metrics = try await admin.raw(.GET, "/metrics", body: nil)
        #expect(metrics.body.contains(#"canh_collector_records_total{result="accepted"} 2"#))
        #expect(metrics.body.contains(#"canh_collector_records_total{result="duplicate"} 2"#))
        #expect(metrics.body.contains(#"canh_collector_enrollments_total{result="enrolled"} 1"#))
        await admin.shutdown()
    }

    @Test("enrollment: an unknown, a used-up and an expired token are refused, and a bad CSR does not use the token up")
    func enrollmentRefusals() async throws {
        let collector = try await collector()
        await #expect(throws: Enrollment.Failure.self) { try await enroll(collector, hostname: "x", token: "canh_not-a-token") }

        let token = try await enrollmentToken(collector)
        let anonymous = try collector.anonymousClient()
        let badCSR = try await anonymous.raw(
            .POST, "/api/v1/enroll",
            body: Array(
                #"{"token":"\#(token)","hostname":"web01","csr":"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"}"#
                    .utf8))
        #expect(badCSR.status == 400)
        #expect(badCSR.body.contains("csr: certificate request refused"))
        _ = try await enroll(collector, hostname: "web01", token: token)
        do {
            _ = try await enroll(collector, hostname: "web02", token: token)
            Issue.record("a used-up token enrolled a second agent")
        } catch let failure as Enrollment.Failure {
            #expect(failure.description.contains("HTTP 401"))
            #expect(failure.description.contains("has been used up"))
        }

        let shortLived = try await enrollmentToken(collector, expiresIn: 60)
        collector.clock.advance(.minutes(2))
        do {
            _ = try await enroll(collector, hostname: "web03", token: shortLived)
            Issue.record("an expired token enrolled an agent")
        } catch let failure as Enrollment.Failure {
            #expect(failure.description.contains("expired at 2026-11-22T00:01:00Z"))
        }
        await anonymous.shutdown()
    }

    @Test("a revoked agent is refused at its next request")
    func revocation() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        _ = try await agent.deliver([record(host: "web01", at: "2026-11-21T10:00:00Z")])
        let admin = try collector.client()
        let hosts: [EnrolledHost] = try await admin.get("/api/v1/hosts")
        let revoked: EnrolledHost = try await admin.post(
            "/api/v1/hosts/\(try #require(hosts.first).agentID)/revoke", body: [String: String]())
        #expect(revoked.status == .revoked)
        do {
            _ = try await agent.deliver([record(host: "web01", at: "2026-11-21T11:00:00Z")])
            Issue.record("a revoked agent delivered")
        } catch {
            #expect(error.status == 403)
            #expect(error.description.contains("has been revoked"))
        }
        await agent.shutdown()
        await admin.shutdown()
    }

    @Test("an agent cannot report for another host or forge a fingerprint; the whole batch is refused and nothing stored")
    func spoofing() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        do {
            _ = try await agent.deliver([
                record(host: "web01", at: "2026-11-21T10:00:00Z"), record(host: "db01", at: "2026-11-21T10:00:00Z"),
            ])
            Issue.record("an agent reported for another host")
        } catch {
            #expect(error.status == 403)
            #expect(error.description.contains("records[1].host: db01; this agent may only report for web01"))
        }
        var forged = record(host: "web01", at: "2026-11-21T10:00:00Z")
        forged.fingerprint = FindingRecord.fingerprint(host: "db01", rule: forged.rule, entity: forged.entity)
        do {
            _ = try await agent.deliver([forged])
            Issue.record("a forged fingerprint was accepted")
        } catch {
            #expect(error.status == 400)
            #expect(error.description.contains("records[0].fingerprint: does not match its host, rule and entity"))
        }
        let admin = try collector.client()
        let findings: [FindingState] = try await admin.get("/api/v1/findings")
        #expect(findings.isEmpty, "nothing of a refused batch is stored")
        await agent.shutdown()
        await admin.shutdown()
    }

    @Test("malformed, oversized and too-long batches get a 4xx naming what is wrong")
    func malformedBatches() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        let notJSON = try await agent.raw(.POST, "/api/v1/records", body: Array("records: yes".utf8))
        #expect(notJSON.status == 400)
        #expect(notJSON.body.contains("the body is not valid JSON"))
        var object = record(host: "web01", at: "2026-11-21T10:00:00Z").json
        if case .object(var members) = object {
            members = members.map { $0.0 == "severity" ? ("severity", .string("urgent")) : $0 }
            object = .object(members)
        }
        let badSeverity = try await agent.raw(
            .POST, "/api/v1/records", body: Array(JSONValue.object([("records", .array([object]))]).serialized.utf8))
        #expect(badSeverity.status == 400)
        #expect(badSeverity.body.contains("records[0].severity"))
        let missing = try await agent.raw(.POST, "/api/v1/records", body: Array(#"{"records":[{"id":"x"}]}"#.utf8))
        #expect(missing.status == 400)
        #expect(missing.body.contains("records[0].fingerprint: missing"))
        let huge = try await agent.raw(.POST, "/api/v1/records", body: [UInt8](repeating: 0x20, count: 9 << 20))
        #expect(huge.status == 413)
        let many = (0..<10_001).map { record(host: "web01", entity: "198.51.100.\($0 % 250)-\($0)", at: "2026-11-21T10:00:00Z") }
        do {
            _ = try await agent.deliver(many)
            Issue.record("10,001 records were accepted in one batch")
        } catch {
            #expect(error.status == 413)
            #expect(error.description.contains("at most 10000"))
        }
        await agent.shutdown()
    }

    @Test("roles: a viewer reads but cannot change; an analyst changes findings but cannot manage; no credentials, no answer")
    func roles() async throws {
        let collector = try await collector()
        let admin = try collector.client()
        let viewer: APIMessages.UserResponse = try await admin.post(
            "/api/v1/users", body: APIMessages.UserRequest(name: "lan", role: .viewer))
        let analyst: APIMessages.UserResponse = try await admin.post(
            "/api/v1/users", body: APIMessages.UserRequest(name: "minh", role: .analyst))

        let viewerClient = try collector.client(token: viewer.token)
        let systems: [InformationSystem] = try await viewerClient.get("/api/v1/systems")
        #expect(systems == [portal])
        do {
            let _: InformationSystem = try await viewerClient.post(
                "/api/v1/systems", body: InformationSystem(id: "x", name: "x", owner: "x", level: .lowest))
            Issue.record("a viewer added a system")
        } catch {
            #expect(error.status == 403)
            #expect(error.description.contains("lan is a viewer; this needs the admin role"))
        }

        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        let finding = record(host: "web01", at: "2026-11-21T10:00:00Z")
        _ = try await agent.deliver([finding])
        let analystClient = try collector.client(token: analyst.token)
        let acknowledged: FindingState = try await analystClient.post(
            "/api/v1/findings/\(finding.fingerprint)/ack", body: APIMessages.FindingChangeRequest(reason: "ticket HY-42"))
        #expect(acknowledged.status == .acknowledged)
        do {
            let _: APIMessages.UserResponse = try await analystClient.post(
                "/api/v1/users", body: APIMessages.UserRequest(name: "x", role: .admin))
            Issue.record("an analyst added a user")
        } catch {
            #expect(error.status == 403)
        }
        let detail: APIMessages.FindingDetail = try await viewerClient.get("/api/v1/findings/\(finding.fingerprint)")
        #expect(
            detail.transitions.map(\.actor) == [
                "agent:\(try #require(try await collector.store.hosts(system: nil).first).agentID)", "user:minh",
            ])
        do {
            let _: [FindingState] = try await agent.get("/api/v1/findings")
            Issue.record("an agent read findings")
        } catch {
            #expect(error.status == 403)
        }

        let anonymous = try collector.anonymousClient()
        let refused = try await anonymous.raw(.GET, "/api/v1/systems", body: nil)
        #expect(refused.status == 401)
        let wrongToken = try collector.client(token: "canh_wrong")
        await #expect(throws: CollectorClientError.self) { let _: [InformationSystem] = try await wrongToken.get("/api/v1/systems") }
        let health = try await anonymous.raw(.GET, "/healthz", body: nil)
        #expect(health.status == 200)

        let audit: [AuditEntry] = try await admin.get("/api/v1/audit")
        #expect(audit.map(\.action).contains("user.add"))
        #expect(audit.contains { $0.action == "finding.ack" && $0.actor == "user:minh" })
        for client in [admin, viewerClient, analystClient, agent, anonymous, wrongToken] { await client.shutdown() }
    }

    @Test("certificates reported by real scans fold into one inventory row per fingerprint, with every host and place")
    func certificateInventory() async throws {
        let collector = try await collector()
        let pki = try await TestPKI()
        let leaf = try await pki.issue(
            "portal.hungyen.gov.vn", dns: ["portal.hungyen.gov.vn", "dvc.hungyen.gov.vn"], notAfter: "20261210000000Z")
        let copy = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: leaf.certificate, toPath: copy.file("portal.pem"))
        var delivered = 0
        for (hostname, path) in [("web01", leaf.certificate), ("web02", copy.file("portal.pem"))] {
            let scan = try await ProcessRunner.run(
                ProcessRunner.builtProduct("canh-agent"),
                [
                    "scan", "--cert", path, "--trust", pki.caCertificate, "--level", "3", "--all", "--now", "2026-11-22T00:00:00Z",
                    "--timeout", "1",
                ])
            let records = try scan.outputLines.map { try FindingRecord(jsonLine: $0) }
                .filter { $0.rule.hasPrefix("tls.cert.") }
                .map { record in
                    // The scan names this test machine; each agent reports as itself.
                    var own = record
                    own.host = hostname
                    own.fingerprint = FindingRecord.fingerprint(host: hostname, rule: record.rule, entity: record.entity)
                    own.id = FindingRecord.id(fingerprint: own.fingerprint, outcome: record.outcome, trigger: record.id)
                    return own
                }
            let state = try await enroll(collector, hostname: hostname, token: try await enrollmentToken(collector))
            let agent = try collector.agentClient(stateDirectory: state.path + "/state")
            defer { Task { await agent.shutdown() } }
            delivered += try await agent.deliver(records).accepted
        }
        #expect(delivered > 10)
        let admin = try collector.client()
        let certificates: [CertificateRecord] = try await admin.get("/api/v1/certs", query: [("expiring_within", "30d")])
        let portal = try #require(certificates.first)
        #expect(certificates.count == 1)
        #expect(portal.subject == "CN=portal.hungyen.gov.vn")
        #expect(portal.names == ["portal.hungyen.gov.vn", "dvc.hungyen.gov.vn"])
        #expect(portal.notAfter == .at("2026-12-10T00:00:00Z"))
        #expect(portal.key == "rsa 2048")
        #expect(Set(portal.places.map { "\($0.host) \($0.place)" }) == ["web01 \(leaf.certificate)", "web02 \(copy.file("portal.pem"))"])
        let later: [CertificateRecord] = try await admin.get("/api/v1/certs", query: [("expiring_within", "10d")])
        #expect(later.isEmpty, "it expires in 18 days")
        let expiring: [FindingState] = try await admin.get("/api/v1/findings", query: [("rule", "tls.cert.expiring")])
        #expect(expiring.count == 2, "one finding per host")
        await admin.shutdown()
    }

    @Test("heartbeats carry versions and get the system's level; a host silent for three heartbeats is listed stale")
    func heartbeats() async throws {
        let collector = try await collector()
        let state = try await enroll(collector, hostname: "web01", token: try await enrollmentToken(collector))
        let agent = try collector.agentClient(stateDirectory: state.path + "/state")
        let reply: APIMessages.HeartbeatReply = try await agent.post(
            "/api/v1/heartbeat", body: APIMessages.Heartbeat(agentVersion: "0.2.0", rulesVersion: "2026.11.0", spoolDepth: 0))
        #expect(reply.system == "hy-dvc")
        #expect(reply.level == Level.all[2])
        let admin = try collector.client()
        var hosts: [EnrolledHost] = try await admin.get("/api/v1/hosts")
        #expect(hosts.map(\.status) == [.active])
        #expect(hosts.first?.rulesVersion == "2026.11.0")
        collector.clock.advance(.minutes(4))
        hosts = try await admin.get("/api/v1/hosts", query: [("status", "stale")])
        #expect(hosts.map(\.hostname) == ["web01"])
        let _: APIMessages.HeartbeatReply = try await agent.post(
            "/api/v1/heartbeat", body: APIMessages.Heartbeat(agentVersion: "0.2.0", rulesVersion: nil, spoolDepth: 3))
        hosts = try await admin.get("/api/v1/hosts", query: [("status", "stale")])
        #expect(hosts.isEmpty)
        await agent.shutdown()
        await admin.shutdown()
    }

    @Test("query parameters the API does not know are refused with the parameter named, never ignored")
    func badQueries() async throws {
        let collector = try await collector()
        let admin = try collector.client()
        for (path, message) in [
            ("/api/v1/hosts?status=gone", "status: one of active, stale, revoked"), ("/api/v1/audit?limit=0", "limit: 1 to 10000"),
            ("/api/v1/findings?limit=many", "limit: 1 to 100000"), ("/api/v1/findings?status=closed", "status: one of open, acknowledged"),
            ("/api/v1/findings?since=yesterday", "since: an ISO 8601 time"),
            ("/api/v1/certs?expiring_within=soon", "expiring_within: a number of days"),
        ] {
            let answer = try await admin.raw(.GET, path, body: nil)
            #expect(answer.status == 400, "\(path)")
            #expect(answer.body.contains(message), "\(path): \(answer.body)")
        }
        await admin.shutdown()
    }

    @Test("a client certificate from another CA does not get a TLS connection")
    func foreignCertificate() async throws {
        let collector = try await collector()
        let other = try await RunningCollector()
        let state = try await enroll(
            other, hostname: "web01",
            token: try await {
                let admin = try other.client()
                let _: InformationSystem = try await admin.post("/api/v1/systems", body: portal)
                let answer: APIMessages.TokenResponse = try await admin.post(
                    "/api/v1/tokens", body: APIMessages.TokenRequest(system: "hy-dvc"))
                await admin.shutdown()
                return answer.token
            }())
        let stranger = try CollectorClient(
            CollectorConnection(
                url: collector.url, caFile: collector.files.caCertificate, clientCertificateFile: state.path + "/state/agent.pem",
                clientKeyFile: state.path + "/state/agent.key"))
        do {
            _ = try await stranger.deliver([record(host: "web01", at: "2026-11-21T10:00:00Z")])
            Issue.record("a certificate from another collector's CA was accepted")
        } catch {
            #expect(error.status == nil, "refused during the handshake, before HTTP: \(error)")
        }
        await stranger.shutdown()
    }
}
