import CanhModel
import Foundation
import TestSupport
import Testing

/// The `canh-agent` binary as a user runs it: output, exit codes and messages (SPEC §3).
@Suite struct ScanCommandTests {
    let agent = ProcessRunner.builtProduct("canh-agent")
    let rules = ProcessRunner.repositoryRoot + "/rules"
    let start = Timestamp.at("2026-11-22T03:00:00Z")

    private func sshd(_ offset: Int64, _ message: [UInt8]) -> FixtureEntry {
        FixtureEntry(
            time: start + .seconds(offset),
            fields: [
                ("SYSLOG_IDENTIFIER", Array("sshd".utf8)), ("_COMM", Array("sshd".utf8)), ("_HOSTNAME", Array("web01".utf8)),
                ("MESSAGE", message),
            ])
    }

    private func bruteForce(in directory: TemporaryDirectory, name: String = "a.journal") async throws -> String {
        try await JournalFixture.write(
            (0..<5).map { sshd(Int64($0) * 10, Array("Failed password for root from 198.51.100.7 port 5000\($0) ssh2".utf8)) }, named: name,
            in: directory)
    }

    private func records(_ result: ProcessResult) throws -> [FindingRecord] {
        try result.outputLines.map { try FindingRecord(jsonLine: $0) }
    }

    @Test("findings at or above --fail-on exit 1; below it exit 0; nothing found exits 0")
    func exitCodes() async throws {
        let directory = try TemporaryDirectory()
        let journal = try await bruteForce(in: directory)
        let found = try await ProcessRunner.run(agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "3"])
        #expect(found.status == 1)
        #expect(try records(found).map(\.rule) == ["auth.ssh.bruteforce"])
        let lenient = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "3", "--fail-on", "critical"])
        #expect(lenient.status == 0)
        #expect(lenient.outputLines.count == 1)
        let quiet = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "1", "--format", "table", "--lang", "en"])
        #expect(quiet.status == 0)
        #expect(quiet.outputLines.last == "No findings.")
    }

    @Test(
        "usage and input errors exit 2 with a message naming what is wrong",
        arguments: [
            (["scan", "--level", "0"], "--level"),
            (["scan", "--level", "3", "--journal-file", "/nonexistent.journal"], "/nonexistent.journal: No such file or directory"),
            (["scan", "--level", "3", "--journal-dir", "/tmp", "--journal-file", "x"], "either --journal-file or --journal-dir"),
            (["scan", "--level", "3", "--now", "yesterday"], "--now must be an ISO 8601 time"),
            (["scan", "--level", "3", "--rules", "/nonexistent-pack"], "/nonexistent-pack: (directory): no rule pack here"),
        ])
    func inputErrors(arguments: [String], message: String) async throws {
        let result = try await ProcessRunner.run(agent, arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message), "stderr: \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a broken rule pack stops the scan with file:line: field: message")
    func brokenPack() async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: rules, toPath: directory.file("rules"))
        let file = directory.file("rules/journal/sudo.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "severity: medium", with: "severity: severe")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let journal = try await bruteForce(in: directory)
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", directory.file("rules"), "--journal-file", journal, "--level", "3"])
        #expect(result.status == 2)
        let line =
            try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("severity: severe") }) + 1
        #expect(
            result.standardError.contains("\(file):\(line): auth.sudo.failure.severity: must be one of: info, low, medium, high, critical"))
    }

    @Test("a truncated journal file is an error record naming it, and the other file's findings still come")
    func truncatedFile() async throws {
        let directory = try TemporaryDirectory()
        let good = try await bruteForce(in: directory)
        let bad = try await bruteForce(in: directory, name: "b.journal")
        try JournalFixture.truncate(bad, to: 4096)
        let result = try await ProcessRunner.run(
            agent,
            ["scan", "--rules", rules, "--journal-file", bad, "--journal-file", good, "--level", "3", "--now", "2026-11-22T12:00:00Z"])
        #expect(result.status == 1)
        let found = try records(result)
        #expect(found.map(\.rule) == ["log.coverage.gap", "auth.ssh.bruteforce"])
        let error = try #require(found.first)
        #expect(error.outcome == .error)
        #expect(error.entity == bad)
        #expect(error.time == .at("2026-11-22T12:00:00Z"))
        #expect(error.evidence.text("error")?.contains("truncated or corrupted") == true)
    }

    @Test("binary, multi-line and huge values are scanned, not fatal, and shown escaped")
    func binaryValues() async throws {
        let directory = try TemporaryDirectory()
        let entries = [
            sshd(0, Array("Invalid user ".utf8) + [0xFF, 0xFE] + Array(" from 203.0.113.9 port 22".utf8)),
            sshd(1, Array("Invalid user ad".utf8) + [0xC3] + Array("min from 203.0.113.9 port 23".utf8)),
            sshd(2, Array("multi\nline\nmessage".utf8)),
            sshd(3, [UInt8](repeating: 0x41, count: 2 << 20)),
            FixtureEntry(
                time: start + .seconds(4),
                fields: [
                    ("SYSLOG_IDENTIFIER", Array("clamd".utf8)), ("_COMM", Array("clamd".utf8)),
                    ("MESSAGE", Array("/srv/up/évil\n.exe: Eicar-Signature FOUND".utf8)),
                ]),
        ]
        let journal = try await JournalFixture.write(entries, named: "binary.journal", in: directory)
        let result = try await ProcessRunner.run(agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "3"])
        #expect(result.status == 1)
        let found = try records(result)
        let probing = try #require(found.first { $0.rule == "auth.ssh.invalid_user" })
        #expect(probing.evidence["distinct_user"] == .list(["\\xff\\xfe", "ad\\xc3min"]))
        #expect(!found.contains { $0.rule == "malware.detected" }, "a path with a newline is not what clamd writes on one line")
        let table = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "3", "--format", "table"])
        #expect(table.outputLines.contains { $0.contains("auth.ssh.invalid_user") && $0.contains("203.0.113.9") })
    }

    @Test("the table is aligned and in Vietnamese by default")
    func table() async throws {
        let directory = try TemporaryDirectory()
        let journal = try await bruteForce(in: directory)
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "3", "--format", "table"])
        let lines = result.outputLines
        #expect(lines.first?.hasPrefix("THỜI GIAN (UTC)") == true)
        let row = try #require(lines.dropFirst().first)
        #expect(row.contains("Dò mật khẩu SSH từ một địa chỉ"))
        #expect(lines.last == "1 phát hiện (1 cao).")
        // Columns line up: the rule column starts at the same character in the header and the row.
        func column(_ text: String, in line: String) -> Int? {
            line.range(of: text).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
        }
        #expect(column("QUY TẮC", in: lines[0]) != nil)
        #expect(column("QUY TẮC", in: lines[0]) == column("auth.ssh.bruteforce", in: row))
        #expect(column("TIÊU ĐỀ", in: lines[0]) == column("Dò mật khẩu", in: row))
    }

    @Test("--cert, --endpoint and --trust: certificate findings as JSON lines; only what is named is read")
    func certificates() async throws {
        let pki = try await TestPKI()
        let leaf = try await pki.issue("portal.test", ips: ["127.0.0.1"], notAfter: "20261201000000Z", revocationInfo: .none)
        let server = try await pki.server(for: leaf, extra: ["-cipher", "ECDHE+AESGCM"])
        let result = try await ProcessRunner.run(
            agent,
            [
                "scan", "--rules", rules, "--level", "3", "--now", "2026-11-22T00:00:00Z", "--cert", leaf.certificate, "--trust",
                pki.caCertificate, "--endpoint", "127.0.0.1:\(server.port)@portal.test", "--timeout", "2",
            ])
        #expect(result.status == 1, "\(result.standardError)")
        let found = try records(result)
        #expect(Set(found.map(\.rule)) == ["tls.cert.expiring", "tls.cert.revoked"])
        let expiring = try #require(found.first { $0.rule == "tls.cert.expiring" })
        #expect(expiring.evidence["places"] == .list([leaf.certificate, "127.0.0.1:\(server.port)@portal.test"]))
        #expect(expiring.evidence["days_left"] == .number(9))
        #expect(found.first { $0.rule == "tls.cert.revoked" }?.outcome == .error)
        #expect(!found.contains { $0.rule.hasPrefix("log.") }, "the local journal is not read when only certificates are named")
    }

    @Test("a malformed --endpoint or an unreadable --trust file is an input error; an oversized --cert file an error record")
    func certificateInputErrors() async throws {
        let badEndpoint = try await ProcessRunner.run(agent, ["scan", "--rules", rules, "--level", "3", "--endpoint", "portal.test"])
        #expect(badEndpoint.status == 2)
        #expect(badEndpoint.standardError.contains("--endpoint"))
        let directory = try TemporaryDirectory()
        let missing = directory.file("agency-ca.pem")
        let badTrust = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--cert", directory.path, "--trust", missing])
        #expect(badTrust.status == 2)
        #expect(badTrust.standardError.contains("--trust \(missing): cannot be read"), "\(badTrust.standardError)")

        // A file far larger than any certificate bundle is refused before it is read.
        let huge = directory.file("huge.pem")
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        try handle.truncate(atOffset: 17 << 20)
        try handle.close()
        let tooLarge = try await ProcessRunner.run(agent, ["scan", "--rules", rules, "--level", "3", "--cert", huge])
        #expect(tooLarge.status == 1)
        let record = try #require(try records(tooLarge).first)
        #expect(record.rule == "tls.cert.unreadable" && record.outcome == .error && record.entity == huge)
        #expect(record.evidence.text("error") == "is 17 MiB, too large to be a certificate or key file")
    }
}
