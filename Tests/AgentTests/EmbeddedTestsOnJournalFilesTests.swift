import Agent
import CanhModel
import Engine
import Rules
import Systemd
import TestSupport
import Testing

/// Every test embedded in the default pack, replayed through the real path: its entries written
/// as a genuine journal file by systemd-journal-remote, read back by libsystemd, scanned.
@Suite struct EmbeddedTestsOnJournalFilesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var test: String
        var testDescription: String { "\(rule): \(test)" }
    }

    static let pack: RulePack = {
        let (pack, problems) = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        precondition(problems.isEmpty, "\(problems)")
        return pack
    }()

    static let cases: [Case] = pack.rules.flatMap { rule -> [Case] in
        guard case .journal(let journal) = rule.body else { return [] }
        return journal.tests.map { Case(rule: rule.id, test: $0.name) }
    }

    @Test("the embedded test holds on a real journal file", arguments: cases)
    func replay(_ testCase: Case) async throws {
        let rule = try #require(Self.pack.rules.first { $0.id == testCase.rule })
        guard case .journal(let journalRule) = rule.body else { return }
        let test = try #require(journalRule.tests.first { $0.name == testCase.test })

        let directory = try TemporaryDirectory()
        let entries = test.entries.map { entry in
            FixtureEntry(
                time: entry.time, bootID: entry.bootID.description,
                fields: entry.fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        let journal = try await JournalFixture.write(entries, named: "test.journal", in: directory)
        var single = Self.pack
        single.rules = [rule]
        var records: [FindingRecord] = []
        let summary = try JournalScan(
            pack: single, level: test.level, source: .files([journal]), hostNaming: .fromEntries(fallback: test.host),
            localHost: "scanner", checkTime: .at("2026-11-22T00:00:00Z")
        ).run { records.append($0) }
        #expect(summary.entries == test.entries.count)
        #expect(RuleTestRunner.compare(records, test.expected) == [])
        for record in records { #expect(record.evidence.text("cursor")?.hasPrefix("s=") == true) }
    }

    @Test("the pack embeds at least one firing and one quiet test for every journal rule id of SPEC §7")
    func everyRuleIsTested() {
        let required = [
            "auth.ssh.bruteforce", "auth.ssh.invalid_user", "auth.ssh.success_after_failures", "auth.ssh.root_login",
            "auth.sudo.failure", "auth.account.locked", "account.created", "account.deleted",
            "account.privileged_group_changed", "service.failed", "time.sync.lost", "log.audit.stopped",
            "malware.detected", "log.coverage.gap",
        ]
        for id in required {
            guard let rule = Self.pack.rules.first(where: { $0.id == id }), case .journal(let journal) = rule.body else {
                Issue.record("missing rule \(id)")
                continue
            }
            #expect(journal.tests.contains { !$0.expected.isEmpty }, "\(id) has no test that fires")
            #expect(journal.tests.contains { $0.expected.isEmpty }, "\(id) has no test that stays quiet")
        }
    }
}
