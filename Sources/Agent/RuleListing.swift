public import CanhModel
public import Rules

/// The rules of a pack, optionally at one level with the parameter values in force there.
public struct RuleListing {
    private let pack: RulePack
    private let level: Level?

    public init(pack: RulePack, level: Level?) {
        self.pack = pack
        self.level = level
    }

    private var rules: [Rule] { level.map(pack.rules(at:)) ?? pack.rules }

    private func parameters(of rule: Rule) -> [(name: String, value: String)] {
        guard let level else { return [] }
        return rule.parameters.values(at: level).map { ($0.name, $0.value.description) }
    }

    public func table(language: Language) -> String {
        let heading = "\(pack.name) \(pack.version)" + (level.map { language == .vi ? ", cấp độ \($0)" : ", level \($0)" } ?? "")
        let header = ["RULE", "SEVERITY", "LEVELS", "REQUIREMENTS", level == nil ? nil : "PARAMETERS", "TITLE"].compactMap { $0 }
        let rows = rules.map { rule -> [String] in
            var row = [
                rule.id, rule.severity.rawValue, rule.levels.map(\.description).joined(separator: ","),
                rule.requirements.joined(separator: ","),
            ]
            if level != nil {
                let values = parameters(of: rule).map { "\($0.name)=\($0.value)" }.joined(separator: " ")
                row.append(values.isEmpty ? "-" : values)
            }
            row.append(rule.title[language])
            return row
        }
        return heading + "\n" + TextTable(header: header, rows: rows).rendered
    }

    public var json: JSONValue {
        .array(
            rules.map { rule in
                var members: [(String, JSONValue)] = [
                    ("id", .string(rule.id)), ("severity", .string(rule.severity.rawValue)),
                    ("levels", .array(rule.levels.map { .integer(Int64($0.rawValue)) })),
                    ("requirements", .array(rule.requirements.map(JSONValue.string))),
                    ("title", .object([("vi", .string(rule.title.vi)), ("en", .string(rule.title.en))])),
                    ("remediation", .object([("vi", .string(rule.remediation.vi)), ("en", .string(rule.remediation.en))])),
                ]
                if level != nil {
                    members.append(("parameters", .object(parameters(of: rule).map { ($0.name, .string($0.value)) })))
                }
                return .object(members)
            })
    }
}
