import CanhModel
import CollectorClient
import Foundation
import TestSupport
import Testing

/// What to do about a finding reaches the people who read it, from the newest pack published to
/// the collector (issue 25).
@Suite struct RemediationTests {
    @Test(
        "findings show prints the rule's remediation and references; a published pack's text replaces the installed one's, across restarts")
    func findingsShowFollowsThePublishedPack() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-remediation")
        let collector = try await CollectorProcess()
        let record = attackRecord(host: "web01", rule: "ssh.config.root_login")
        try await collector.deliver([record], hostname: "web01")

        let installed = try await collector.command(["findings", "show", record.fingerprint, "--lang", "en"])
        #expect(installed.status == 0, "\(installed.standardError)")
        #expect(
            installed.standardOutput.contains("reference     https://man.openbsd.org/sshd_config#PermitRootLogin"),
            "\(installed.standardOutput)")
        let vietnamese = try await collector.command(["findings", "show", record.fingerprint])
        #expect(vietnamese.standardOutput.contains("khắc phục"), "\(vietnamese.standardOutput)")

        // A pack whose remediation for the rule says something new.
        let pack = scratch.file("pack")
        #expect(try await ProcessRunner.run("/bin/cp", ["-r", ProcessRunner.repositoryRoot + "/rules", pack]).status == 0)
        let ssh = pack + "/host/ssh.yaml"
        var text = try String(contentsOfFile: ssh, encoding: .utf8)
        let marker = "Follow the province's SSH hardening guide 2026-12 (CANH-MARKER)."
        let rule = try #require(text.range(of: "  - id: ssh.config.root_login"))
        let start = try #require(text.range(of: "    remediation:", range: rule.upperBound..<text.endIndex))
        let english = try #require(text.range(of: "\n      en: ", range: start.upperBound..<text.endIndex))
        let lineEnd = try #require(text.range(of: "\n", range: english.upperBound..<text.endIndex))
        text.replaceSubrange(english.upperBound..<lineEnd.lowerBound, with: marker)
        try text.write(toFile: ssh, atomically: true, encoding: .utf8)
        let packYAML = pack + "/pack.yaml"
        try (try String(contentsOfFile: packYAML, encoding: .utf8)).replacingOccurrences(
            of: "version: 2026.11.0", with: "version: 2026.12.1"
        )
        .write(toFile: packYAML, atomically: true, encoding: .utf8)
        #expect(try await collector.command(["rules", "keygen", "--output", scratch.file("k")]).status == 0)
        let published = try await collector.command(["rules", "publish", pack, "--key", scratch.file("k")])
        #expect(published.status == 0, "\(published.standardError)")

        let shown = try await collector.command(["findings", "show", record.fingerprint, "--lang", "en"])
        #expect(shown.standardOutput.contains("remediation   \(marker)"), "\(shown.standardOutput)")
        let json = try await collector.command(["findings", "show", record.fingerprint, "--json"])
        #expect(json.standardOutput.contains(marker))
        #expect(json.standardOutput.contains("https://man.openbsd.org/sshd_config#PermitRootLogin"))

        // The compliance report says the same under the requirement the finding fails.
        let report = try await collector.command(["report", "compliance", "--system", "hy-portal", "--format", "json"])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(report.standardOutput.contains(marker), "the report's remediation is the published pack's")

        collector.kill()
        try await collector.start()
        let restarted = try await collector.command(["findings", "show", record.fingerprint, "--lang", "en"])
        #expect(restarted.standardOutput.contains(marker), "learned again from the store: \(restarted.standardOutput)")
        #expect(try await collector.command(["findings", "show", "0000"]).status != 0)
    }
}
