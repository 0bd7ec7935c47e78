import Alerts
import CanhModel
import CollectorClient
import CollectorPKI
import CollectorServer
import Foundation
import Hummingbird
import NIOHTTP1
import RulePackDistribution
import Rules
import TestSupport
import Testing

/// The server against `openapi/collector.yaml`: the same operations, and every answer of a full
/// scenario — successes and errors — matching the documented schema for its status.
@Suite struct OpenAPIConformanceTests {
    @Test("the router serves exactly the documented operations (the web console's pages under /ui are HTML, not API)")
    func operations() async throws {
        let document = try OpenAPIDocument()
        let collector = try await RunningCollector()
        let authority = try CertificateAuthority(
            certificatePEM: try String(contentsOfFile: collector.files.caCertificate, encoding: .utf8),
            keyPEM: try String(contentsOfFile: collector.files.caKey, encoding: .utf8))
        let routes = CollectorAPI(store: collector.store, authority: authority, rulePack: try RunningCollector.rulePack()).router().routes
            .map { route in
                let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                return "\(route.method) /" + path.joined(separator: "/")
            }
        #expect(Set(routes.filter { !$0.contains(" /ui") }) == document.operations)
        #expect(routes.contains("GET /ui/findings"), "the console is served beside the API")
    }

    @Test("every answer of a full scenario matches the document for its status")
    func answers() async throws {
        let document = try OpenAPIDocument()
        // Every finding that opens queues an alert, so the outbox has something to list.
        let collector = try await RunningCollector(alertRouting: AlertRouting(rules: [AlertRule(name: "all", channels: ["soc"])]))
        var answered: [(operation: String, status: Int, body: String)] = []
        func call(_ client: CollectorClient, _ method: HTTPMethod, _ path: String, as operation: String, body: String? = nil) async throws
            -> String
        {
            let answer = try await client.raw(method, path, body: body.map { Array($0.utf8) })
            answered.append((operation, answer.status, answer.body))
            return answer.body
        }
        func json(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        let admin = try collector.client()
        let anonymous = try collector.anonymousClient()
        _ = try await call(anonymous, .GET, "/healthz", as: "GET /healthz")
        _ = try await call(anonymous, .GET, "/metrics", as: "GET /metrics")
        let system =
            #"{"id":"hy-dvc","name":"Cổng DVC","owner":"UBND tỉnh Hưng Yên","level":3,"dossier":"approved","decision_number":"1/QĐ"}"#
        _ = try await call(admin, .POST, "/api/v1/systems", as: "POST /api/v1/systems", body: system)
        _ = try await call(admin, .POST, "/api/v1/systems", as: "POST /api/v1/systems", body: system)  // 409
        _ = try await call(admin, .POST, "/api/v1/systems", as: "POST /api/v1/systems", body: #"{"id":"Bad"}"#)  // 400
        _ = try await call(
            admin, .POST, "/api/v1/systems", as: "POST /api/v1/systems",
            body: #"{"id":"spare","name":"x","owner":"y","level":1,"dossier":"none"}"#)
        _ = try await call(admin, .GET, "/api/v1/systems", as: "GET /api/v1/systems")
        _ = try await call(anonymous, .GET, "/api/v1/systems", as: "GET /api/v1/systems")  // 401
        _ = try await call(admin, .GET, "/api/v1/systems/hy-dvc", as: "GET /api/v1/systems/{id}")
        _ = try await call(admin, .GET, "/api/v1/systems/none", as: "GET /api/v1/systems/{id}")  // 404
        _ = try await call(admin, .PUT, "/api/v1/systems/hy-dvc", as: "PUT /api/v1/systems/{id}", body: system)
        _ = try await call(admin, .DELETE, "/api/v1/systems/spare", as: "DELETE /api/v1/systems/{id}")

        let token = try json(
            try await call(admin, .POST, "/api/v1/tokens", as: "POST /api/v1/tokens", body: #"{"system":"hy-dvc","uses":1}"#))
        let keys = try AgentKeyPair.generate(hostname: "web01")
        let request = try String(
            data: JSONEncoder().encode(
                APIMessages.EnrollRequest(token: try #require(token["token"] as? String), hostname: "web01", csr: keys.requestPEM)),
            encoding: .utf8)
        let enrolled = try json(try await call(anonymous, .POST, "/api/v1/enroll", as: "POST /api/v1/enroll", body: request))
        _ = try await call(anonymous, .POST, "/api/v1/enroll", as: "POST /api/v1/enroll", body: request)  // 401: used up
        let state = try TemporaryDirectory()
        try state.write(keys.keyPEM, to: "state/agent.key")
        try state.write(try #require(enrolled["certificate"] as? String), to: "state/agent.pem")
        try state.write(try #require(enrolled["ca"] as? String), to: "state/collector-ca.pem")
        let agent = try collector.agentClient(stateDirectory: state.file("state"))
        _ = try await call(
            agent, .POST, "/api/v1/heartbeat", as: "POST /api/v1/heartbeat", body: #"{"agent_version":"0.1.0","spool_depth":0}"#)
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "ssh.config.root_login", entity: "web01")
        let record = FindingRecord(
            id: "r1", fingerprint: fingerprint, rule: "ssh.config.root_login", outcome: .fail, severity: .high, level: Level.all[2],
            requirements: ["ND85-SRV-AUTH-02"], host: "web01", entity: "web01", time: .at("2026-11-21T10:00:00Z"), firstSeen: nil, count: 1,
            title: LocalizedText(vi: "Root", en: "Root"), evidence: Evidence([("permit_root_login", .text("yes"))]))
        let batch = JSONValue.object([("records", .array([record.json]))]).serialized
        _ = try await call(agent, .POST, "/api/v1/records", as: "POST /api/v1/records", body: batch)
        _ = try await call(agent, .POST, "/api/v1/records", as: "POST /api/v1/records", body: #"{"records":[{"id":1}]}"#)  // 400

        _ = try await call(admin, .GET, "/api/v1/hosts", as: "GET /api/v1/hosts")
        _ = try await call(admin, .GET, "/api/v1/findings", as: "GET /api/v1/findings")
        _ = try await call(admin, .GET, "/api/v1/findings?severity=urgent", as: "GET /api/v1/findings")  // 400
        _ = try await call(admin, .GET, "/api/v1/findings/\(fingerprint)", as: "GET /api/v1/findings/{fingerprint}")
        _ = try await call(
            admin, .POST, "/api/v1/findings/\(fingerprint)/ack", as: "POST /api/v1/findings/{fingerprint}/ack", body: #"{"reason":"seen"}"#)
        _ = try await call(
            admin, .POST, "/api/v1/findings/\(fingerprint)/except", as: "POST /api/v1/findings/{fingerprint}/except",
            body: #"{"reason":"legacy","until":"2027-01-01T00:00:00Z"}"#)
        _ = try await call(
            admin, .POST, "/api/v1/findings/\(fingerprint)/resolve", as: "POST /api/v1/findings/{fingerprint}/resolve",
            body: #"{"reason":"fixed"}"#)
        _ = try await call(admin, .GET, "/api/v1/certs?expiring_within=30d", as: "GET /api/v1/certs")
        _ = try await call(admin, .POST, "/api/v1/users", as: "POST /api/v1/users", body: #"{"name":"lan","role":"viewer"}"#)
        let signout = "POST /api/v1/users/{name}/signout"
        _ = try await call(admin, .POST, "/api/v1/users/lan/signout", as: signout, body: "{}")
        _ = try await call(admin, .POST, "/api/v1/users/nobody/signout", as: signout, body: "{}")  // 404
        _ = try await call(admin, .GET, "/api/v1/users", as: "GET /api/v1/users")
        _ = try await call(admin, .GET, "/api/v1/audit", as: "GET /api/v1/audit")
        let manual = try #require(
            try RunningCollector.rulePack().requirements.requirements.first { $0.check == .manual && $0.levels.contains(Level.all[2]) })
        let attestations = "/api/v1/systems/hy-dvc/attestations"
        _ = try await call(
            admin, .POST, attestations, as: "POST /api/v1/systems/{id}/attestations",
            body: #"{"requirement":"\#(manual.id)","evidence":"QĐ 88","expires_at":"2027-11-22T00:00:00Z"}"#)
        _ = try await call(
            admin, .POST, attestations, as: "POST /api/v1/systems/{id}/attestations",
            body: #"{"requirement":"ND85-SRV-AUTH-02","evidence":"x"}"#)  // 400: automated
        _ = try await call(admin, .GET, attestations, as: "GET /api/v1/systems/{id}/attestations")
        _ = try await call(
            admin, .GET, "/api/v1/reports/compliance?system=hy-dvc&period=2026-Q4", as: "GET /api/v1/reports/compliance")
        _ = try await call(admin, .GET, "/api/v1/reports/compliance?period=soon", as: "GET /api/v1/reports/compliance")  // 400
        _ = try await call(admin, .GET, "/api/v1/reports/compliance?system=none", as: "GET /api/v1/reports/compliance")  // 404
        _ = try await call(admin, .GET, "/api/v1/reports/coverage", as: "GET /api/v1/reports/coverage")
        _ = try await call(admin, .GET, "/api/v1/reports/annual?year=2026", as: "GET /api/v1/reports/annual")
        _ = try await call(admin, .GET, "/api/v1/reports/annual?year=1999", as: "GET /api/v1/reports/annual")  // 400
        // 404: no system has this owner.
        _ = try await call(admin, .GET, "/api/v1/reports/annual?year=2026&owner=S%E1%BB%9F%20kh%C3%A1c", as: "GET /api/v1/reports/annual")
        let outbox = try await call(admin, .GET, "/api/v1/alerts", as: "GET /api/v1/alerts")
        #expect(outbox.contains("alert_rule"), "the opened finding's alert is listed: \(outbox)")
        _ = try await call(admin, .GET, "/api/v1/alerts?state=lost", as: "GET /api/v1/alerts")  // 400
        _ = try await call(admin, .POST, "/api/v1/alerts/retry", as: "POST /api/v1/alerts/retry", body: #"{"ids":[]}"#)
        _ = try await call(admin, .POST, "/api/v1/alerts/retry", as: "POST /api/v1/alerts/retry", body: #"{"ids":"all"}"#)  // 400
        let withdraw = "/api/v1/systems/{id}/attestations/{requirement}"
        _ = try await call(admin, .DELETE, "\(attestations)/\(manual.id)", as: "DELETE \(withdraw)")
        _ = try await call(admin, .DELETE, "\(attestations)/\(manual.id)", as: "DELETE \(withdraw)")  // 404
        let key = PackSigningKey()
        let pack = try SignedRulePack.build(
            files: try PackDirectory.entries(of: ProcessRunner.repositoryRoot + "/rules"), name: "canh-default", version: "2026.12.1",
            minimumAgentVersion: "0.1.0", key: key, at: .at("2026-12-01T00:00:00Z"))
        let upload = try String(
            decoding: JSONEncoder().encode(
                APIMessages.RulePackUpload(
                    archive: Data(pack.archive).base64EncodedString(), signature: pack.signature.fileText, publicKey: key.publicKey.base64)),
            as: UTF8.self)
        _ = try await call(admin, .POST, "/api/v1/rule-packs", as: "POST /api/v1/rule-packs", body: upload)
        _ = try await call(admin, .POST, "/api/v1/rule-packs", as: "POST /api/v1/rule-packs", body: upload)  // 409: published
        let foreign = upload.replacingOccurrences(of: key.publicKey.base64, with: PackSigningKey().publicKey.base64)
        _ = try await call(admin, .POST, "/api/v1/rule-packs", as: "POST /api/v1/rule-packs", body: foreign)  // 400: another key
        _ = try await call(admin, .GET, "/api/v1/rule-packs", as: "GET /api/v1/rule-packs")
        let assign = "POST /api/v1/rule-packs/{version}/assign"
        _ = try await call(admin, .POST, "/api/v1/rule-packs/2026.12.1/assign", as: assign, body: #"{"systems":["hy-dvc"]}"#)
        _ = try await call(admin, .POST, "/api/v1/rule-packs/2026.12.9/assign", as: assign, body: #"{"all":true}"#)  // 404
        _ = try await call(admin, .POST, "/api/v1/rule-packs/2026.12.1/assign", as: assign, body: #"{"all":true,"systems":["x"]}"#)  // 400
        let beat = try await call(
            agent, .POST, "/api/v1/heartbeat", as: "POST /api/v1/heartbeat",
            body: #"{"agent_version":"0.1.0","rules_version":"2026.11.0","rules_failure":"2026.12.1: refused for the test"}"#)
        #expect(beat.contains(pack.sha256), "the reply names the pack assigned to the agent's system: \(beat)")
        _ = try await call(agent, .GET, "/api/v1/rule-packs/2026.12.1/archive", as: "GET /api/v1/rule-packs/{version}/archive")
        _ = try await call(admin, .GET, "/api/v1/rule-packs/2026.12.1/signature", as: "GET /api/v1/rule-packs/{version}/signature")
        _ = try await call(admin, .GET, "/api/v1/rule-packs/1.0/signature", as: "GET /api/v1/rule-packs/{version}/signature")  // 404
        let rollout = try await call(admin, .GET, "/api/v1/rule-packs/status", as: "GET /api/v1/rule-packs/status")
        #expect(rollout.contains("refused for the test"), "\(rollout)")
        let agentID = try #require(enrolled["agent_id"] as? String)
        _ = try await call(admin, .POST, "/api/v1/hosts/\(agentID)/revoke", as: "POST /api/v1/hosts/{agent}/revoke")
        _ = try await call(admin, .DELETE, "/api/v1/systems/hy-dvc", as: "DELETE /api/v1/systems/{id}")  // 409: has hosts

        for answer in answered {
            #expect(
                document.documents(answer.operation, status: answer.status), "\(answer.operation) answered \(answer.status): \(answer.body)"
            )
            guard let schema = document.responseSchema(answer.operation, status: answer.status) else { continue }
            let value = try JSONSerialization.jsonObject(with: Data(answer.body.utf8), options: .fragmentsAllowed)
            #expect(document.problems(value, against: schema) == [], "\(answer.operation) \(answer.status): \(answer.body)")
        }
        let succeeded = Set(answered.filter { (200..<300).contains($0.status) }.map(\.operation))
        #expect(
            succeeded == document.operations,
            "documented operations never answered with success: \(document.operations.subtracting(succeeded))")
        #expect(Set(answered.map(\.status)).isSuperset(of: [200, 201, 204, 400, 401, 404, 409]))
        for client in [admin, anonymous, agent] { await client.shutdown() }
    }
}
