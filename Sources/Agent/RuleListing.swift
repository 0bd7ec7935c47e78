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

    private var requirements: [Requirement] {
        pack.requirements.requirements.filter { requirement in level.map { requirement.levels.contains($0) } ?? true }
    }

    /// The rules that show a requirement (at the level, when one is given).
    private func rules(showing requirement: Requirement) -> [String] {
        rules.filter { $0.requirements.contains(requirement.id) }.map(\.id)
    }

    /// Whether a state rule cites it: only a state check's pass can prove a requirement met;
    /// detections show it broken, never met.
    private func canBeProven(_ requirement: Requirement) -> Bool {
        rules.contains { rule in
            guard rule.requirements.contains(requirement.id), case .posture = rule.body else { return false }
            return true
        }
    }

    public func table(language: Language) -> String {
        let vi = language == .vi
        let heading = "\(pack.name) \(pack.version)" + (level.map { vi ? ", cấp độ \($0)" : ", level \($0)" } ?? "")
        return [heading, "", requirementBlocks(language: language), "", rulesTable(language: language)].joined(separator: "\n")
    }

    /// Each requirement in force: how it is shown (the rules, or attested by hand), its text and
    /// its citations at the level.
    private func requirementBlocks(language: Language) -> String {
        let vi = language == .vi
        let areas: [String: (vi: String, en: String)] = [
            "network": ("mạng", "network"), "server": ("máy chủ", "server"), "application": ("ứng dụng", "application"),
            "data": ("dữ liệu", "data"), "design": ("thiết kế", "design"), "management": ("quản lý", "management"),
        ]
        let automated = requirements.filter { $0.check == .automated }
        let provable = automated.filter(canBeProven).count
        var lines = [
            vi
                ? "YÊU CẦU (\(requirements.count)): \(automated.count) tự động — \(provable) có kiểm tra trạng thái chứng minh được đạt, "
                    + "\(automated.count - provable) chỉ có phát hiện; \(requirements.count - automated.count) thủ công"
                : "REQUIREMENTS (\(requirements.count)): \(automated.count) automated — \(provable) with a state check that can prove "
                    + "them met, \(automated.count - provable) with detections only; \(requirements.count - automated.count) manual"
        ]
        for requirement in requirements {
            let area = areas[requirement.area].map { vi ? $0.vi : $0.en } ?? requirement.area
            let shownBy = rules(showing: requirement)
            let how: String =
                switch requirement.check {
                case .manual where requirement.inventory != nil:
                    vi
                        ? "thủ công — chứng minh bằng danh mục hệ thống tại máy chủ thu thập"
                        : "manual — proven by the collector's inventory"
                case .manual: vi ? "thủ công — chứng thực tại máy chủ thu thập" : "manual — attested in the collector"
                case .automated where shownBy.isEmpty: vi ? "tự động — không có quy tắc ở cấp độ này" : "automated — no rule at this level"
                case .automated where !canBeProven(requirement):
                    (vi ? "tự động, chỉ phát hiện (không chứng minh được đạt): " : "automated, detections only (never proven met): ")
                        + shownBy.joined(separator: ", ")
                case .automated: (vi ? "tự động: " : "automated: ") + shownBy.joined(separator: ", ")
                }
            lines.append("\(requirement.id)  [\(area)]  \(how)")
            lines.append("    \(requirement.text[language])")
            for citation in citations(of: requirement) {
                let prefix = level == nil ? (vi ? "cấp độ \(citation.level) " : "level \(citation.level) ") : ""
                let standing = "[\(citation.force.rawValue), \(citation.basis.rawValue)]"
                if let legacy = citation.legacyText(language) {
                    lines.append("    " + prefix + (vi ? "Căn cứ: " : "Legacy: ") + legacy + " " + standing)
                }
                if let current = citation.currentText(language) {
                    lines.append("    " + prefix + (vi ? "Hiện hành: " : "Current: ") + current + " " + standing)
                }
            }
            if let threshold = requirement.threshold {
                lines.append("    " + (vi ? "Ngưỡng" : "Threshold") + " [\(threshold.basis.rawValue)]: " + threshold.text[language])
            }
        }
        return lines.joined(separator: "\n")
    }

    private func rulesTable(language: Language) -> String {
        let vi = language == .vi
        let header =
            (vi
            ? ["QUY TẮC", "MỨC ĐỘ", "CẤP ĐỘ", "YÊU CẦU", level == nil ? nil : "THAM SỐ", "TIÊU ĐỀ"]
            : ["RULE", "SEVERITY", "LEVELS", "REQUIREMENTS", level == nil ? nil : "PARAMETERS", "TITLE"]).compactMap { $0 }
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
        return (vi ? "QUY TẮC (\(rows.count))" : "RULES (\(rows.count))") + "\n" + TextTable(header: header, rows: rows).rendered
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("pack", .string(pack.name)), ("version", .string(pack.version))]
        if let level { members.append(("level", .integer(Int64(level.rawValue)))) }
        members.append(("requirements", requirementsJSON))
        members.append(("rules", rulesJSON))
        return .object(members)
    }

    private var requirementsJSON: JSONValue {
        .array(
            requirements.map { requirement in
                var members: [(String, JSONValue)] = [
                    ("id", .string(requirement.id)), ("area", .string(requirement.area)), ("check", .string(requirement.check.rawValue)),
                    ("rules", .array(rules(showing: requirement).map(JSONValue.string))),
                    // Whether a state rule cites it, so that a pass can be proven.
                    ("provable", .bool(requirement.check == .automated && canBeProven(requirement))),
                    ("levels", .array(requirement.levels.map { .integer(Int64($0.rawValue)) })),
                    ("text", .object([("vi", .string(requirement.text.vi)), ("en", .string(requirement.text.en))])),
                    ("citations", .array(citations(of: requirement).compactMap { try? JSONValueEncoder().encode($0) })),
                ]
                if let threshold = requirement.threshold, let value = try? JSONValueEncoder().encode(threshold) {
                    members.append(("threshold", value))
                }
                return .object(members)
            })
    }

    /// The citation at the listed level, or at every level when no level is asked for.
    private func citations(of requirement: Requirement) -> [LegalCitation] {
        guard let level else { return requirement.levels.compactMap { requirement.citations[$0] } }
        return requirement.citations[level].map { [$0] } ?? []
    }

    private var rulesJSON: JSONValue {
        .array(
            rules.map { rule in
                var members: [(String, JSONValue)] = [
                    ("id", .string(rule.id)), ("severity", .string(rule.severity.rawValue)),
                    ("levels", .array(rule.levels.map { .integer(Int64($0.rawValue)) })),
                    ("requirements", .array(rule.requirements.map(JSONValue.string))),
                    ("title", .object([("vi", .string(rule.title.vi)), ("en", .string(rule.title.en))])),
                    ("remediation", .object([("vi", .string(rule.remediation.vi)), ("en", .string(rule.remediation.en))])),
                    ("references", .array(rule.references.map(JSONValue.string))),
                ]
                if level != nil {
                    members.append(("parameters", .object(parameters(of: rule).map { ($0.name, .string($0.value)) })))
                }
                return .object(members)
            })
    }
}
