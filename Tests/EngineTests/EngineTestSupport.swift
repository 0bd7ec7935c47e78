import CanhModel
import Engine
import Foundation
import Rules
import TestSupport

/// The default pack, loaded once.
let defaultPack: RulePack = {
    let (pack, problems) = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
    precondition(problems.isEmpty, "the default pack has problems: \(problems)")
    return pack
}()

func level(_ number: Int) -> Level {
    guard let level = Level(rawValue: number) else { preconditionFailure("no level \(number)") }
    return level
}

/// An engine for one rule of the default pack at a level.
func engine(for ruleID: String, at number: Int, host: HostNaming = .fromEntries(fallback: "test-host")) throws -> JournalEngine {
    guard let rule = defaultPack.rules.first(where: { $0.id == ruleID }) else { preconditionFailure("no rule \(ruleID)") }
    return try JournalEngine(rules: [rule], level: level(number), hostNaming: host)
}

let start = Timestamp.at("2026-11-22T03:00:00Z")

extension JournalEngine {
    /// Evaluates one entry given as text fields at `time`.
    func evaluate(at time: Timestamp, boot: BootID = .init(high: 1, low: 1), _ fields: [String: String]) -> [Detection] {
        evaluate(JournalEvent(time: time, bootID: boot, values: fieldTable.names.map { fields[$0].map { Array($0.utf8) } }))
    }

    /// An sshd failure line from `source` at `offset` seconds after `start`.
    func sshFailure(_ offset: Int64, from source: String, user: String = "root", host: String = "web01") -> [Detection] {
        evaluate(
            at: start + .seconds(offset),
            [
                "SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "_HOSTNAME": host,
                "MESSAGE": "Failed password for \(user) from \(source) port 50122 ssh2",
            ])
    }
}

/// A rule written inline, loaded through the real parser with the default catalogue.
func rule(fromYAML text: String) throws -> Rule {
    let directory = try TemporaryDirectory()
    try directory.write(
        try String(contentsOfFile: ProcessRunner.repositoryRoot + "/rules/requirements.yaml", encoding: .utf8), to: "requirements.yaml")
    try directory.write(
        try String(contentsOfFile: ProcessRunner.repositoryRoot + "/rules/" + RulePack.legalSourcesFile, encoding: .utf8),
        to: RulePack.legalSourcesFile)
    try directory.write("name: test\nversion: 1\n", to: "pack.yaml")
    try directory.write(text, to: "journal/rule.yaml")
    let (pack, problems) = RulePack.load(directory: directory.path)
    guard problems.isEmpty, let rule = pack.rules.first else { throw RulePackError(problems: problems) }
    return rule
}
