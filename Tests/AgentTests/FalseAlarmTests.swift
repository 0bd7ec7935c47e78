import CanhModel
import Foundation
import TestSupport
import Testing

/// The authentication thresholds against what real servers see all day and must not page
/// anyone for: `scripts/generate-journal --noise` (scanner rotations of 1–3 tries per address
/// in every OpenSSH 6.x–9.x and PAM form, mistyped passwords, key-only clients, monitoring
/// probes, console typos), scanned as genuine journal files at the strictest levels.
@Suite struct FalseAlarmTests {
    let agent = ProcessRunner.builtProduct("canh-agent")
    let rules = ProcessRunner.repositoryRoot + "/rules"
    static let authenticationRules: Set<String> = [
        "auth.ssh.bruteforce", "auth.ssh.invalid_user", "auth.ssh.success_after_failures", "auth.login.bruteforce", "auth.su.failure",
    ]

    /// The noise of `seed` as a journal file, and its export text (to count what it holds).
    private func noiseJournal(seed: Int, entries: Int, in directory: TemporaryDirectory, appending attack: [FixtureEntry] = [])
        async throws -> (journal: String, export: String)
    {
        let export = directory.file("noise-\(seed).export")
        let generated = try await ProcessRunner.run(
            "/usr/bin/python3",
            [
                ProcessRunner.repositoryRoot + "/scripts/generate-journal", "--noise", "--entries", "\(entries)", "--seed", "\(seed)",
                "--output", export,
            ]
        )
        try #require(generated.status == 0, "\(generated.standardError)")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: export)))
        let text = String(decoding: bytes, as: UTF8.self)
        bytes += JournalFixture.exportFormat(attack)
        let combined = try directory.write(bytes, to: "noise-\(seed)-combined.export")
        let journal = directory.file("noise-\(seed).journal")
        let converted = try await ProcessRunner.run(JournalFixture.journalRemote, ["--output=\(journal)", combined])
        try #require(converted.status == 0, "\(converted.standardError)")
        return (journal, text)
    }

    private func authenticationFindings(_ journal: String, level: Int) async throws -> [FindingRecord] {
        let result = try await ProcessRunner.run(agent, ["scan", "--rules", rules, "--journal-file", journal, "--level", "\(level)"])
        #expect(result.status == 0 || result.status == 1, "\(result.standardError)")
        return try result.outputLines.map { try FindingRecord(jsonLine: $0) }.filter { Self.authenticationRules.contains($0.rule) }
    }

    @Test("a day of scanners, typos and key-only clients raises no authentication finding at level 3 or 5")
    func noiseIsQuiet() async throws {
        let directory = try TemporaryDirectory()
        for seed in [85, 86] {
            let (journal, export) = try await noiseJournal(seed: seed, entries: 20_000, in: directory)
            // The noise must hold every failure form, or its silence proves nothing.
            // The noise must hold every failure form, or its silence proves nothing; staff typos
            // and console mistakes are rare by nature (every quarter hour, every four hours).
            let minimums = [
                ("MESSAGE=Invalid user ", 100), ("MESSAGE=pam_unix(sshd:auth): authentication failure", 100),
                ("MESSAGE=error: PAM: Authentication failure", 100), ("MESSAGE=Failed password for ", 100),
                ("MESSAGE=Failed none for ", 50), ("MESSAGE=Failed publickey for ", 50),
                ("MESSAGE=Connection closed by authenticating user ", 20), ("MESSAGE=Disconnected from ", 100),
                ("MESSAGE=Received disconnect from ", 100), ("MESSAGE=Accepted password for ", 10), ("MESSAGE=FAILED LOGIN ", 1),
            ]
            for (form, minimum) in minimums {
                #expect(export.components(separatedBy: form).count - 1 >= minimum, "seed \(seed): too few \(form)")
            }
            for level in [3, 5] {
                let findings = try await authenticationFindings(journal, level: level)
                #expect(findings.map { "\($0.rule) \($0.entity)" } == [], "seed \(seed), level \(level)")
            }
        }
    }

    @Test("one guesser inside the same noise is found, and only it")
    func attackInNoise() async throws {
        let directory = try TemporaryDirectory()
        let start = Timestamp.at("2026-11-21T03:00:00Z")
        var attack: [FixtureEntry] = []
        for attempt in 0..<5 {
            let at = start + .seconds(Int64(attempt) * 30)
            for (offset, message) in [
                (0, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.77  user=root"),
                (2, "Failed password for root from 198.51.100.77 port \(40000 + attempt) ssh2"),
                (2, "Connection closed by authenticating user root 198.51.100.77 port \(40000 + attempt) [preauth]"),
            ] {
                attack.append(
                    FixtureEntry(
                        time: at + .seconds(Int64(offset)),
                        fields: [
                            ("SYSLOG_IDENTIFIER", Array("sshd".utf8)), ("_COMM", Array("sshd".utf8)), ("MESSAGE", Array(message.utf8)),
                        ]))
            }
        }
        let guesser = attack
        let (journal, _) = try await noiseJournal(seed: 87, entries: 20_000, in: directory, appending: guesser)
        let findings = try await authenticationFindings(journal, level: 3)
        #expect(findings.map { "\($0.rule) \($0.entity) \($0.count)" } == ["auth.ssh.bruteforce 198.51.100.77 5"])
    }
}
