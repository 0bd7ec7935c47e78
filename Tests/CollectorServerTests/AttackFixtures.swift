import CanhModel
import CollectorClient
import Foundation
import TestSupport

/// What the attack tests share: agents enrolled with the real `canh-agent enroll` against a real
/// `canh-collector serve`, API users of each role, and records as an agent would send them.
extension CollectorProcess {
    /// Runs `canh-agent enroll` for `hostname` with the token in a file (as an operator should),
    /// into a fresh state directory.
    func enrollAgent(
        hostname: String, machineID: String = MachineIDs.fresh(), replace: Bool = false, system: String = "hy-portal"
    ) async throws -> (result: ProcessResult, state: TemporaryDirectory) {
        let state = try TemporaryDirectory(prefix: "canh-attack-agent")
        let tokenFile = try state.write(try await enrollmentToken(system: system) + "\n", to: "token")
        let result = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"),
            [
                "enroll", "--collector", url, "--ca", caFile, "--token-file", tokenFile, "--state-dir", state.file("state"),
                "--hostname=\(hostname)", "--machine-id", machineID,
            ] + (replace ? ["--replace"] : []))
        return (result, state)
    }

    /// An enrolled agent's client (its certificate and key from `state`).
    func agentClient(_ state: TemporaryDirectory) throws -> CollectorClient {
        try CollectorClient(
            CollectorConnection(
                url: url, caFile: state.file("state/collector-ca.pem"), clientCertificateFile: state.file("state/agent.pem"),
                clientKeyFile: state.file("state/agent.key")))
    }

    /// A new API user's token.
    func userToken(_ name: String, role: String) async throws -> String {
        let added = try await command(["users", "add", name, "--role", role])
        guard added.status == 0, let token = added.outputLines.last else { throw FixtureError(description: added.standardError) }
        return token
    }

    /// A client with `token` (the admin's by default).
    func client(token: String) throws -> CollectorClient {
        try CollectorClient(CollectorConnection(url: url, caFile: caFile, token: token))
    }
}

/// A record as an agent sends it, with a fingerprint and id that match.
func attackRecord(
    host: String, rule: String = "ssh.config.root_login", entity: String? = nil, outcome: Outcome = .fail,
    at time: String = "2026-11-21T10:00:00Z", title: LocalizedText = LocalizedText(vi: "Cho phép root", en: "Root allowed"),
    evidence: Evidence = Evidence([("permit_root_login", .text("yes (/etc/ssh/sshd_config:3)"))])
) -> FindingRecord {
    let entity = entity ?? host
    let fingerprint = FindingRecord.fingerprint(host: host, rule: rule, entity: entity)
    return FindingRecord(
        id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: "\(time) \(outcome.rawValue)"), fingerprint: fingerprint,
        rule: rule, outcome: outcome, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-02"], host: host,
        entity: entity, time: .at(time), firstSeen: nil, count: 1, title: title, evidence: evidence)
}
