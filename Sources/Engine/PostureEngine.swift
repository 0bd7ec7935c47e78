public import CanhModel
public import Rules

/// Evaluates the certificate, endpoint and key-file rules of a pack at one level over what a
/// scan observed. Pure: observations and the check time in, records out.
public struct PostureEngine: Sendable {
    public let level: Level
    private let host: String
    private let checks: [(rule: RuleSummary, check: ResolvedPostureCheck)]

    /// Compiles the posture rules of `pack` that apply at `level`.
    public init(pack: RulePack, level: Level, host: String) throws(RulePackError) {
        try self.init(rules: pack.rules(at: level), level: level, host: host)
    }

    /// Compiles `rules` (posture rules only; others are ignored) at `level`.
    /// - Throws: every parameter that is missing or of the wrong kind at this level.
    public init(rules: [Rule], level: Level, host: String) throws(RulePackError) {
        var checks: [(RuleSummary, ResolvedPostureCheck)] = []
        var problems: [RuleFileProblem] = []
        for rule in rules where rule.applies(at: level) {
            guard case .posture(let postureRule) = rule.body else { continue }
            do {
                checks.append((RuleSummary(rule), try ResolvedPostureCheck(postureRule.check, rule: rule, level: level)))
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw RulePackError(problems: problems) }
        self.level = level
        self.host = host
        self.checks = checks
    }

    /// Every problem in the posture rules of `pack` at every level they apply at, for `rules check`.
    public static func problems(in pack: RulePack) -> [RuleFileProblem] {
        var problems: [RuleFileProblem] = []
        for rule in pack.rules {
            guard case .posture(let postureRule) = rule.body else { continue }
            for level in rule.levels {
                do {
                    _ = try ResolvedPostureCheck(postureRule.check, rule: rule, level: level)
                } catch {
                    if !problems.contains(error) { problems.append(error) }
                }
            }
        }
        return problems
    }

    /// The records of every check on every observation, in rule order; checks that do not apply
    /// to an observation produce none.
    /// - Parameter now: the time of the scan (`--now`), which validity is judged at and records carry.
    public func evaluate(_ observations: PostureObservations, at now: Timestamp) -> [FindingRecord] {
        var records: [FindingRecord] = []
        for (rule, check) in checks {
            for judged in check.judge(observations, at: now) {
                // A file name may hold control characters; the collector refuses them in entities.
                let entity = judged.entity.escapingControlCharacters
                let fingerprint = FindingRecord.fingerprint(host: host, rule: rule.id, entity: entity)
                records.append(
                    FindingRecord(
                        id: FindingRecord.id(fingerprint: fingerprint, outcome: judged.outcome, trigger: "check:\(now.iso8601)"),
                        fingerprint: fingerprint, rule: rule.id, outcome: judged.outcome, severity: judged.severity ?? rule.severity,
                        level: level,
                        requirements: rule.requirements, host: host, entity: entity, time: now, firstSeen: nil, count: 1,
                        title: rule.title, evidence: judged.evidence))
            }
        }
        return records
    }
}
