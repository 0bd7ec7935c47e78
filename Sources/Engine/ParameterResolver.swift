import CanhModel
import Rules

/// Resolves a rule's `$name` references at one level, reporting missing or mistyped values
/// where they are written, and remembering which parameters were used.
final class ParameterResolver {
    let rule: Rule
    let level: Level
    private(set) var used: Set<String> = []

    init(rule: Rule, level: Level) {
        self.rule = rule
        self.level = level
    }

    func int(_ setting: Parameterized<Int>) throws(RuleFileProblem) -> Int {
        try resolve(setting, expected: "a whole number of at least 1") { value in
            guard case .scalar(let text) = value.content, let number = Int(text), number >= 1 else { return nil }
            return number
        }
    }

    /// A whole number that may be 0 (a class count, a history length where 0 means "not asked").
    func count(_ setting: Parameterized<Int>) throws(RuleFileProblem) -> Int {
        try resolve(setting, expected: "a whole number (0 or more)") { value in
            guard case .scalar(let text) = value.content, let number = Int(text), number >= 0 else { return nil }
            return number
        }
    }

    func span(_ setting: Parameterized<TimeSpan>) throws(RuleFileProblem) -> TimeSpan {
        try resolve(setting, expected: "a duration like 10m") { value in
            guard case .scalar(let text) = value.content, let span = TimeSpan(parsing: text), span > .zero else { return nil }
            return span
        }
    }

    func list(_ setting: Parameterized<[String]>) throws(RuleFileProblem) -> [String] {
        try resolve(setting, expected: "a list of values") { value in
            switch value.content {
            case .list(let items): items
            case .scalar(let text): [text]
            }
        }
    }

    /// Parameters the rule defines but never refers to: usually a typo.
    func unusedParameters() -> [RuleFileProblem] {
        rule.parameters.names.filter { !used.contains($0) }.map { name in
            let location = Level.all.compactMap { rule.parameters.explicit[$0]?[name]?.location }.first ?? rule.location
            return RuleFileProblem(
                location: location, field: "\(rule.id).parameters.\(name)",
                message: "is never used; refer to it as $\(name) or remove it")
        }
    }

    private func resolve<Value>(
        _ setting: Parameterized<Value>, expected: String, _ convert: (ParameterValue) -> Value?
    ) throws(RuleFileProblem) -> Value {
        switch setting {
        case .literal(let value):
            return value
        case .parameter(let name, let location):
            used.insert(name)
            guard let value = rule.parameters.value(name, at: level) else {
                throw RuleFileProblem(
                    location: location, field: "\(rule.id).$\(name)",
                    message:
                        "parameter \(name) has no value at level \(level) (set it under parameters: for level \(level) or a level below)")
            }
            guard let converted = convert(value) else {
                throw RuleFileProblem(
                    location: value.location, field: "\(rule.id).parameters.\(name)",
                    message: "must be \(expected), not \(value.description)")
            }
            return converted
        }
    }
}
