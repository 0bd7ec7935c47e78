import Engine
import Rules

/// Loads a rule pack for the daemon: schema and catalogue problems, and journal rules that do not
/// compile at every level they apply at, all refuse the pack (the running one stays on reload).
enum CheckedRulePack {
    static func load(directory: String) throws(AgentDaemonError) -> RulePack {
        let (pack, problems) = RulePack.load(directory: directory)
        let all = problems + (problems.isEmpty ? JournalEngine.problems(in: pack) : [])
        guard all.isEmpty else { throw .rulePack(directory: directory, problems: all.map(\.description)) }
        return pack
    }
}
