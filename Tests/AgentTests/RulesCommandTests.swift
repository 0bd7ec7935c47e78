import Foundation
import TestSupport
import Testing

@Suite struct RulesCommandTests {
    let agent = ProcessRunner.builtProduct("canh-agent")
    let rules = ProcessRunner.repositoryRoot + "/rules"

    @Test("rules check on the default pack passes every embedded test and says so on its last line")
    func checkDefaultPack() throws {
        let result = try ProcessRunner.run(agent, ["rules", "check", rules])
        #expect(result.status == 0)
        let last = try #require(result.outputLines.last)
        #expect(last.hasSuffix(" passed, 0 failed"))
        let passed = try #require(Int(last.split(separator: " ")[0]))
        #expect(passed >= 28)
        #expect(result.outputLines.count == 1)
    }

    @Test("rules check prints one line per failure and exits 1")
    func checkBrokenPack() throws {
        let directory = try TemporaryDirectory()
        let pack = directory.file("rules")
        try FileManager.default.copyItem(atPath: rules, toPath: pack)
        let file = pack + "/journal/services.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "- {entity: nginx.service, evidence: {result: exit-code}}", with: "- {entity: httpd.service}")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.run(agent, ["rules", "check", pack])
        #expect(result.status == 1)
        #expect(result.outputLines.count == 2)
        #expect(
            result.outputLines.first?.hasPrefix(
                "\(file):23: service.failed: test \"a failed service and a failed timer from PID 1\": finding 1: expected entity \"httpd.service\", got \"nginx.service\""
            ) == true)
        #expect(result.outputLines.last?.hasSuffix(" passed, 1 failed") == true)
    }

    @Test("rules list --level shows the parameters in force there, inherited from below")
    func listLevels() throws {
        let level1 = try ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "1", "--format", "json"])
        let level4 = try ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "4", "--format", "json"])
        func bruteforce(_ output: String) throws -> [String: Any] {
            let array = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
            return try #require(array.first { $0["id"] as? String == "auth.ssh.bruteforce" })
        }
        #expect((try bruteforce(level1.standardOutput)["parameters"] as? [String: String]) == ["failures": "10", "window": "10m"])
        #expect((try bruteforce(level4.standardOutput)["parameters"] as? [String: String]) == ["failures": "5", "window": "10m"])
        let level1IDs = try #require(try JSONSerialization.jsonObject(with: Data(level1.standardOutput.utf8)) as? [[String: Any]])
            .compactMap { $0["id"] as? String }
        #expect(!level1IDs.contains("log.audit.stopped"), "process logging applies from level 3")

        let table = try ProcessRunner.run(agent, ["rules", "list", "--rules", rules, "--level", "3"])
        #expect(table.status == 0)
        #expect(table.outputLines.first == "canh-default 2026.11.0, cấp độ 3")
        #expect(table.standardOutput.contains("failures=5 window=10m"))
        #expect(table.standardOutput.contains("Mất đồng bộ thời gian"))
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try ProcessRunner.run(agent, ["--version"])
        #expect(result.status == 0)
        #expect(result.outputLines == ["0.1.0"])
    }
}
