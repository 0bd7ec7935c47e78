import CanhModel
import CollectorClient
import Foundation
import NIOHTTP1
import RulePackDistribution
import TestSupport
import Testing

/// Who may publish and assign rule packs, and what an agent may say about them, attacked through
/// a real `canh-collector serve`.
@Suite struct RulePackAttackTests {
    @Test("only an admin publishes or assigns; an agent cannot publish, nor tell the collector about another host's pack")
    func rolesAndAgents() async throws {
        let collector = try await CollectorProcess()
        let enrolled = try await collector.enrollAgent(hostname: "web01")
        let agent = try collector.agentClient(enrolled.state)
        let viewer = try await collector.client(token: try collector.userToken("lan", role: "viewer"))
        let analyst = try await collector.client(token: try collector.userToken("minh", role: "analyst"))
        let admin = try collector.client()
        defer {
            Task {
                for client in [agent, viewer, analyst, admin] { await client.shutdown() }
            }
        }
        let key = PackSigningKey()
        let pack = try SignedRulePack.build(
            files: try PackDirectory.entries(of: ProcessRunner.repositoryRoot + "/rules"), name: "canh-default", version: "2026.12.1",
            minimumAgentVersion: "0.1.0", key: key, at: .now())
        let upload = Array(
            try JSONEncoder().encode(
                APIMessages.RulePackUpload(
                    archive: Data(pack.archive).base64EncodedString(), signature: pack.signature.fileText, publicKey: key.publicKey.base64))
        )
        for client in [viewer, analyst, agent] {
            let answer = try await client.raw(.POST, "/api/v1/rule-packs", body: upload)
            #expect(answer.status == 403, "\(answer.body)")
        }
        #expect(try await admin.raw(.POST, "/api/v1/rule-packs", body: upload).status == 201)
        for client in [viewer, analyst, agent] {
            let answer = try await client.raw(.POST, "/api/v1/rule-packs/2026.12.1/assign", body: Array(#"{"all":true}"#.utf8))
            #expect(answer.status == 403, "\(answer.body)")
        }
        // A truncated or altered archive is refused at upload, naming what is wrong.
        var cut = try JSONDecoder().decode(APIMessages.RulePackUpload.self, from: Data(upload))
        cut.archive = Data(pack.archive.prefix(4096)).base64EncodedString()
        let refused = try await admin.raw(.POST, "/api/v1/rule-packs", body: Array(try JSONEncoder().encode(cut)))
        #expect(refused.status == 400)
        #expect(refused.body.contains("not a rule pack archive"), "\(refused.body)")

        // What an agent reports about its pack is its own, bounded, and without control characters.
        let escape = try await agent.raw(
            .POST, "/api/v1/heartbeat", body: Array(#"{"rules_failure":"2026.12.1: \u001b[2J rewritten terminal"}"#.utf8))
        #expect(escape.status == 400)
        #expect(escape.body.contains("rules_failure"), "\(escape.body)")
        let long = String(repeating: "x", count: 5000)
        let huge = try await agent.raw(.POST, "/api/v1/heartbeat", body: Array(#"{"rules_failure":"\#(long)"}"#.utf8))
        #expect(huge.status == 400)
        let fine = try await agent.raw(.POST, "/api/v1/heartbeat", body: Array(#"{"rules_failure":"2026.12.1: not pinned"}"#.utf8))
        #expect(fine.status == 200, "\(fine.body)")
        let status: APIMessages.RulePackStatus = try await viewer.get("/api/v1/rule-packs/status")
        #expect(status.hosts.map(\.failure) == ["2026.12.1: not pinned"])
        // A revoked agent downloads nothing.
        #expect(try await agent.raw(.GET, "/api/v1/rule-packs/2026.12.1/archive", body: nil).status == 200)
        let agentID = try #require(status.hosts.first?.agentID)
        #expect(try await collector.command(["hosts", "revoke", agentID]).status == 0)
        #expect(try await agent.raw(.GET, "/api/v1/rule-packs/2026.12.1/archive", body: nil).status == 403)
    }

    @Test("publish refuses a key file others can read, one that is not a key, and a bad minimum version; nothing is stored")
    func badKeysAndVersions() async throws {
        let collector = try await CollectorProcess()
        let scratch = try TemporaryDirectory(prefix: "canh-bad-key")
        #expect(try await collector.command(["rules", "keygen", "--output", scratch.file("k")]).status == 0)
        let rules = ProcessRunner.repositoryRoot + "/rules"
        let readable = try scratch.write(try String(contentsOfFile: scratch.file("k"), encoding: .utf8), to: "readable")
        chmod(readable, 0o644)
        let open = try await collector.command(["rules", "publish", rules, "--key", readable])
        #expect(open.status == 2)
        #expect(open.standardError.contains("\(readable) can be read by every user"), "\(open.standardError)")
        let notKey = try scratch.write("untrusted comment: x\nnot base64 at all\n", to: "notkey")
        chmod(notKey, 0o600)
        let garbage = try await collector.command(["rules", "publish", rules, "--key", notKey])
        #expect(garbage.status == 2)
        #expect(garbage.standardError.contains("\(notKey): not a Canh rule pack secret key"), "\(garbage.standardError)")
        let version = try await collector.command([
            "rules", "publish", rules, "--key", scratch.file("k"), "--minimum-agent-version", "0.1 beta",
        ])
        #expect(version.status == 2)
        #expect(version.standardError.contains("minimum agent version \"0.1 beta\" is not a version"), "\(version.standardError)")
        let status = try await collector.command(["rules", "status", "--format", "json"])
        #expect(try JSONDecoder().decode(APIMessages.RulePackStatus.self, from: Data(status.standardOutput.utf8)).packs.isEmpty)
    }
}
