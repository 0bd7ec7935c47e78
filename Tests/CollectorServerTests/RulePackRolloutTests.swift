import CanhModel
import CollectorClient
import Foundation
import RulePackDistribution
import TestSupport
import Testing

/// Signed rule packs from `rules publish` to real agents (issue 25): a staged rollout, and every
/// pack an agent must refuse — refused with the running pack kept, the refusal shown by
/// `rules status` and as a finding at the collector.
@Suite(.serialized) struct RulePackRolloutTests {
    /// A copy of the repository's pack at another version, changed by `edit` (file → new text).
    func packCopy(_ version: String, in scratch: TemporaryDirectory, edit: [String: (String) -> String] = [:]) async throws -> String {
        let directory = scratch.file("pack-\(version)")
        let copied = try await ProcessRunner.run("/bin/cp", ["-r", ProcessRunner.repositoryRoot + "/rules", directory])
        guard copied.status == 0 else { throw FixtureError(description: copied.standardError) }
        var changes = edit
        changes["pack.yaml"] = { $0.replacingOccurrences(of: "version: 2026.11.0", with: "version: \(version)") }
        for (file, change) in changes {
            let path = directory + "/" + file
            try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }
        return directory
    }

    func status(_ collector: CollectorProcess) async throws -> APIMessages.RulePackStatus {
        let result = try await collector.command(["rules", "status", "--format", "json"])
        let decoder = JSONDecoder()
        return try decoder.decode(APIMessages.RulePackStatus.self, from: Data(result.standardOutput.utf8))
    }

    func host(_ name: String, in collector: CollectorProcess) async throws -> APIMessages.HostRulePack? {
        try await status(collector).hosts.first { $0.hostname == name }
    }

    /// The refusal finding of a host, as the collector keeps it.
    func refusalFinding(of hostname: String, in collector: CollectorProcess) async throws -> FindingState? {
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let findings: [FindingState] = try await admin.get("/api/v1/findings", query: [("rule", "agent.rulepack.refused")])
        return findings.first { $0.host == hostname }
    }

    /// Assigns `version` to the portal's system, waits for the portal's agent to refuse it, and
    /// checks that it still runs `running` and that the collector shows why.
    func expectRefusal(
        of version: String, containing reason: String, running: String, collector: CollectorProcess, agent: AgentProcess
    ) async throws {
        let assigned = try await collector.command(["rules", "assign", version, "--system", "hy-portal"])
        #expect(assigned.status == 0, "\(assigned.standardError)")
        let refused = try await eventually(seconds: 30) {
            try await self.host("portal-hy", in: collector)?.failure?.contains(reason) == true
        }
        let shown = try await host("portal-hy", in: collector)
        #expect(refused, "rules status: \(String(describing: shown)); agent log:\n\(agent.output.suffix(2000))")
        #expect(shown?.running == running, "the running pack stays")
        #expect(shown?.failure?.hasPrefix(version + ": ") == true)
        let table = try await collector.command(["rules", "status"])
        #expect(table.status == 1, "rules status fails while a host refuses its pack")
        #expect(table.standardOutput.contains("refused: \(version): "))
        let finding = try await eventually(seconds: 30) {
            try await self.refusalFinding(of: "portal-hy", in: collector)?.evidence.contains(version) == true
        }
        let state = try await refusalFinding(of: "portal-hy", in: collector)
        #expect(finding, "\(String(describing: state))")
        #expect(state?.outcome == .fail)
        #expect(state?.title.en == "The agent refused the rule pack assigned to it", "titled like a rule of the pack")
        #expect(state?.evidence.contains(reason) == true, "\(String(describing: state?.evidence))")
    }

    @Test("a published pack reaches two agents in stages; a foreign key, a changed file, a downgrade and a failing pack are refused")
    func stagedRolloutAndRefusals() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-rollout")
        let collector = try await CollectorProcess()
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let _: InformationSystem = try await admin.post(
            "/api/v1/systems",
            body: InformationSystem(
                id: "hy-mail", name: "Thư điện tử công vụ", owner: "Sở KH&CN Hưng Yên", level: Level.all[2], dossier: .approved,
                decisionNumber: "77/QĐ-STTTT", decisionDate: "2025-03-01"))
        for name in ["signing", "rotated", "stranger"] {
            let made = try await collector.command(["rules", "keygen", "--output", scratch.file(name + ".key")])
            #expect(made.status == 0, "\(made.standardError)")
        }
        #expect(try await collector.command(["rules", "keygen", "--output", scratch.file("signing.key")]).status != 0, "never overwritten")
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.file("signing.key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        func publicKey(_ name: String) throws -> String {
            try String(contentsOfFile: scratch.file(name + ".key.pub"), encoding: .utf8).split(separator: "\n")[1].description
        }
        // The portal's agent pins the signing key; the mail server's also the rotated one.
        let journals = try await SampleJournal.directory(withFirst: 20, in: scratch)
        let portal = try await AgentProcess(
            collector: collector, journalDirectory: journals, hostname: "portal-hy",
            agentSettings: "rule_keys = [\"\(try publicKey("signing"))\"]")
        let mail = try await AgentProcess(
            collector: collector, journalDirectory: journals, hostname: "mail-hy",
            agentSettings: "rule_keys = [\"\(try publicKey("signing"))\", \"\(try publicKey("rotated"))\"]",
            system: "hy-mail")
        try portal.start()
        try mail.start()
        #expect(try await eventually(seconds: 30) { try await self.status(collector).hosts.allSatisfy { $0.running == "2026.11.0" } })

        // Publish: checked, signed, stored; nothing moves until it is assigned.
        let published = try await collector.command([
            "rules", "publish", try packCopy("2026.12.1", in: scratch), "--key", scratch.file("signing.key"), "--output", scratch.path,
        ])
        #expect(published.status == 0, "\(published.standardError)")
        #expect(published.standardOutput.contains("published canh-default 2026.12.1"))
        let verified = try await ProcessRunner.run(
            "/usr/bin/minisign", ["-V", "-p", scratch.file("signing.key.pub"), "-m", scratch.file("canh-default-2026.12.1.tar")])
        #expect(verified.status == 0, "the published archive verifies with minisign: \(verified.standardError)")
        #expect(
            try await collector.command([
                "rules", "publish", try packCopy("2026.12.1", in: try TemporaryDirectory()), "--key", scratch.file("signing.key"),
            ]).status != 0, "a version is published once")

        // Stage 1: the portal's system only.
        #expect(try await collector.command(["rules", "assign", "2026.12.1", "--system", "hy-portal"]).status == 0)
        #expect(
            try await eventually(seconds: 30) { try await self.host("portal-hy", in: collector)?.running == "2026.12.1" },
            "\(portal.output.suffix(2000))")
        let staged = try await status(collector)
        #expect(staged.hosts.first { $0.hostname == "mail-hy" }?.running == "2026.11.0")
        #expect(staged.hosts.first { $0.hostname == "mail-hy" }?.assigned == nil)
        // Stage 2: every system.
        #expect(try await collector.command(["rules", "assign", "2026.12.1", "--all"]).status == 0)
        #expect(
            try await eventually(seconds: 30) {
                try await self.status(collector).hosts.allSatisfy { $0.running == "2026.12.1" && $0.failure == nil }
            })
        let rolledOut = try await collector.command(["rules", "status"])
        #expect(rolledOut.status == 0)
        print("rules status after the staged rollout:\n\(rolledOut.standardOutput)")
        #expect(portal.output.contains("now running the rule pack the collector assigned"))

        // Signed by a key the portal does not pin.
        #expect(
            try await collector.command(["rules", "publish", try packCopy("2026.12.2", in: scratch), "--key", scratch.file("stranger.key")])
                .status == 0)
        try await expectRefusal(
            of: "2026.12.2", containing: "which is not pinned here", running: "2026.12.1", collector: collector, agent: portal)

        // A file changed after signing, by whoever can write the collector's database.
        #expect(
            try await collector.command(["rules", "publish", try packCopy("2026.12.5", in: scratch), "--key", scratch.file("signing.key")])
                .status
                == 0)
        try await tamper(version: "2026.12.5", file: "journal/ssh.yaml", in: collector)
        try await expectRefusal(
            of: "2026.12.5", containing: "journal/ssh.yaml: its SHA-256 is not the manifest's", running: "2026.12.1", collector: collector,
            agent: portal)

        // Older than what runs.
        #expect(
            try await collector.command(["rules", "publish", try packCopy("2026.12.0", in: scratch), "--key", scratch.file("signing.key")])
                .status
                == 0)
        try await expectRefusal(
            of: "2026.12.0", containing: "is not newer than the running 2026.12.1", running: "2026.12.1", collector: collector,
            agent: portal)

        // A pack whose own tests fail: publish refuses it, so it is signed and uploaded by hand.
        let broken = try await packCopy(
            "2026.12.6", in: scratch,
            edit: ["journal/time.yaml": { $0.replacingOccurrences(of: "'^Can''t synchronise:", with: "'^Cannot synchronise:") }])
        let refusedPublish = try await collector.command(["rules", "publish", broken, "--key", scratch.file("signing.key")])
        #expect(refusedPublish.status != 0)
        #expect(refusedPublish.standardError.contains("rules check failed"))
        let key = try PackSigningKey(
            parsing: try String(contentsOfFile: scratch.file("signing.key"), encoding: .utf8), source: "signing.key")
        let signed = try SignedRulePack.build(
            files: try PackDirectory.entries(of: broken), name: "canh-default", version: "2026.12.6", minimumAgentVersion: "0.1.0",
            key: key,
            at: .now())
        let _: RulePackRelease = try await admin.post(
            "/api/v1/rule-packs",
            body: APIMessages.RulePackUpload(
                archive: Data(signed.archive).base64EncodedString(), signature: signed.signature.fileText, publicKey: key.publicKey.base64))
        try await expectRefusal(
            of: "2026.12.6", containing: "fails rules check on this agent", running: "2026.12.1", collector: collector, agent: portal)

        // Key rotation: a pack signed with the new key loads where both keys are pinned.
        #expect(
            try await collector.command(["rules", "publish", try packCopy("2026.12.7", in: scratch), "--key", scratch.file("rotated.key")])
                .status
                == 0)
        #expect(try await collector.command(["rules", "assign", "2026.12.7", "--system", "hy-mail"]).status == 0)
        #expect(
            try await eventually(seconds: 30) { try await self.host("mail-hy", in: collector)?.running == "2026.12.7" },
            "\(mail.output.suffix(2000))")

        // Restarted, an agent runs the pack it received, verified again from its state directory.
        #expect(try await mail.send(SIGTERM) == 0)
        try mail.start()
        #expect(await eventually(seconds: 30) { mail.output.components(separatedBy: "canh-agent started").count == 3 })
        #expect(mail.output.components(separatedBy: "canh-agent started").last?.contains("2026.12.7") == true)

        // The portal pins only the first key: the rotated key's pack is refused there, and the
        // next pack it can verify loads and passes the refusal finding.
        try await expectRefusal(
            of: "2026.12.7", containing: "which is not pinned here", running: "2026.12.1", collector: collector, agent: portal)
        #expect(
            try await collector.command(["rules", "publish", try packCopy("2026.12.8", in: scratch), "--key", scratch.file("signing.key")])
                .status
                == 0)
        #expect(try await collector.command(["rules", "assign", "2026.12.8", "--system", "hy-portal"]).status == 0)
        #expect(try await eventually(seconds: 30) { try await self.host("portal-hy", in: collector)?.running == "2026.12.8" })
        #expect(try await eventually(seconds: 30) { try await self.refusalFinding(of: "portal-hy", in: collector)?.outcome == .pass })
        #expect(try await host("portal-hy", in: collector)?.failure == nil)
        let refusal = try #require(try await refusalFinding(of: "portal-hy", in: collector))
        let shown = try await collector.command(["findings", "show", refusal.fingerprint, "--lang", "en"])
        #expect(shown.standardOutput.contains("canh-collector rules status"), "what to do about a refusal: \(shown.standardOutput)")
        #expect(try await portal.send(SIGTERM) == 0)
        #expect(try await mail.send(SIGTERM) == 0)
    }

    /// Rewrites one file inside a stored archive, keeping the signed manifest, and the announced
    /// SHA-256 with it: what someone who can write the collector's store could do.
    func tamper(version: String, file: String, in collector: CollectorProcess) async throws {
        let script = """
            import hashlib, io, sqlite3, sys, tarfile
            db = sqlite3.connect(sys.argv[1])
            archive, = db.execute("SELECT archive FROM rule_packs WHERE version = ?", (sys.argv[2],)).fetchone()
            source = tarfile.open(fileobj=io.BytesIO(archive))
            out = io.BytesIO()
            target = tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT)
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name == sys.argv[3]:
                    data += b"\\n# an attacker was here\\n"
                    member.size = len(data)
                target.addfile(member, io.BytesIO(data))
            target.close()
            changed = out.getvalue()
            db.execute("UPDATE rule_packs SET archive = ?, sha256 = ?, size = ? WHERE version = ?",
                       (changed, hashlib.sha256(changed).hexdigest(), len(changed), sys.argv[2]))
            db.commit()
            """
        let result = try await ProcessRunner.run("/usr/bin/python3", ["-c", script, collector.data.file("canh.sqlite"), version, file])
        guard result.status == 0 else { throw FixtureError(description: "tampering: \(result.standardError)") }
    }
}
