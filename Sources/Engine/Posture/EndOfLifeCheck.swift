import CanhModel
import Rules

/// When an operating system release stops receiving security updates, from the rule's table
/// (`ID VERSION YYYY-MM-DD SOURCE` per entry; the last day of support, in UTC).
struct SupportEnd: Sendable, Equatable {
    var id: String
    var version: String
    var lastDay: Timestamp
    var source: String

    static func parse(_ entries: [String], rule: Rule) throws(RuleFileProblem) -> [SupportEnd] {
        var table: [SupportEnd] = []
        for (index, entry) in entries.enumerated() {
            let words = entry.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count == 4, let day = Timestamp(iso8601: "\(words[2])T00:00:00Z"), words[3].hasPrefix("https://") else {
                throw RuleFileProblem(
                    location: rule.location, field: "\(rule.id).settings.end_of_support[\(index)]",
                    message: "\"\(entry)\" is not \"ID VERSION YYYY-MM-DD https://SOURCE\"")
            }
            table.append(SupportEnd(id: words[0], version: words[1], lastDay: day, source: words[3]))
        }
        return table
    }
}

extension HostCheck {
    /// `high` once support has ended, `medium` within `warningDays` of the end.
    static func endOfLife(_ host: HostObservation, table: [SupportEnd], warningDays: Int, now: Timestamp) -> PostureJudgement {
        guard case .read(let os) = host.osRelease else {
            return PostureJudgement(
                entity: host.host, outcome: .error, evidence: Evidence([("error", .text(host.osRelease.problem ?? ""))]))
        }
        var evidence = Evidence([("os", .text(os.description))])
        let major = os.versionID.split(separator: ".").first.map(String.init) ?? os.versionID
        guard
            let end = table.first(where: { $0.id == os.id && $0.version == os.versionID })
                ?? table.first(where: { $0.id == os.id && $0.version == major })
        else {
            evidence["error"] = .text("the rule's table has no end of support for \(os.id) \(os.versionID): add it with its public source")
            return PostureJudgement(entity: host.host, outcome: .error, evidence: evidence)
        }
        let day = TimeSpan.days(1).microseconds
        // Days started before support ends, counting today: 1 on the last day, 0 the day after.
        let remaining = end.lastDay.microsecondsSinceEpoch + day - now.microsecondsSinceEpoch
        let daysLeft = Int(remaining > 0 ? (remaining + day - 1) / day : remaining / day)
        evidence["supported_until"] = .text(String(end.lastDay.iso8601.prefix(10)))
        evidence["source"] = .text(end.source)
        evidence["days_left"] = .number(Int64(daysLeft))
        if daysLeft <= 0 {
            return PostureJudgement(entity: host.host, outcome: .fail, evidence: evidence, severity: .high)
        }
        if daysLeft <= warningDays {
            return PostureJudgement(entity: host.host, outcome: .fail, evidence: evidence, severity: .medium)
        }
        return PostureJudgement(entity: host.host, outcome: .pass, evidence: evidence)
    }
}
