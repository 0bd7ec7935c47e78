import Foundation
import Yams

/// Converts Sigma rules (the public specification, sigmahq.io) whose log source maps onto the
/// journal into Canh rule files: one `event` rule per Sigma rule, its detection turned into
/// alternatives of exact journal fields and a PCRE2 pattern of lookaheads on MESSAGE (or on
/// auditd's `key=value` text), keeping the Sigma id, title, author, license and references.
/// The rule cites no requirement until someone maps it.
public enum SigmaImporter {
    /// A converted rule: its Canh id and the rule file's text.
    public struct Converted: Sendable {
        public var id: String
        public var yaml: String
    }

    /// More alternatives than this is a detection the journal engine should not try per entry.
    static let maximumAlternatives = 32

    public static func convert(_ text: String) throws(SigmaImportError) -> Converted {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch {
            throw .notImportable("not valid YAML (\(error))")
        }
        guard let composed, let document = try plain(composed) as? [String: Any] else { throw .notImportable("not a YAML mapping") }
        guard let title = scalar(document["title"]), !title.isEmpty else { throw .notImportable("the rule has no title") }
        guard let sigmaID = scalar(document["id"]), !sigmaID.isEmpty else {
            throw .notImportable("the rule has no id; Sigma ids keep imported rules traceable")
        }
        let logsource = document["logsource"] as? [String: Any] ?? [:]
        let source = try JournalSource.of(
            product: scalar(logsource["product"]), service: scalar(logsource["service"]), category: scalar(logsource["category"]))
        guard let detection = document["detection"] as? [String: Any] else { throw .notImportable("the rule has no detection") }
        if detection["timeframe"] != nil { throw .notImportable("the detection has a timeframe; write a threshold rule instead") }
        var selections: [String: SigmaExpression] = [:]
        for (name, value) in detection where name != "condition" {
            selections[name] = try SigmaSelection.expression(value, name: name)
        }
        let conditionText: String
        if let single = scalar(detection["condition"]) {
            conditionText = single
        } else if let list = detection["condition"] as? [Any] {
            conditionText = list.compactMap(scalar).map { "(\($0))" }.joined(separator: " or ")
        } else {
            throw .notImportable("the detection has no condition")
        }
        let expression = try SigmaCondition.parse(conditionText, selections: selections)
        guard let conjunctions = expression.alternatives(limit: maximumAlternatives) else {
            throw .notImportable("the condition expands to more than \(maximumAlternatives) alternatives")
        }
        var alternatives: [MatchAlternative] = []
        for conjunction in conjunctions {
            guard let alternative = try MatchBuilder.alternative(conjunction, source: source), !alternatives.contains(alternative) else {
                continue
            }
            if alternative.message == nil, alternative.fields.count == source.fields.count {
                throw .notImportable("an alternative of the condition matches every entry of the log source")
            }
            alternatives.append(alternative)
        }
        guard !alternatives.isEmpty else { throw .notImportable("the condition can never match (one field required equal to two values)") }
        let id = ruleID(source: source.name, title: title)
        let rule = CanhRuleWriter(
            id: id, severity: severity(scalar(document["level"])), sigmaID: sigmaID, title: title,
            author: scalar(document["author"]), license: scalar(document["license"]),
            references: (document["references"] as? [Any] ?? []).compactMap(scalar),
            description: scalar(document["description"]),
            falsePositives: (document["falsepositives"] as? [Any] ?? []).compactMap(scalar), alternatives: alternatives)
        return Converted(id: id, yaml: rule.yaml)
    }

    /// The document as strings, lists and string-keyed mappings, with nulls as `NSNull`. Yams'
    /// own `load` stops the process on a mapping whose key is not a scalar; here that is a
    /// reason to refuse the rule.
    private static func plain(_ node: Node) throws(SigmaImportError) -> Any {
        switch node {
        case .scalar(let scalar):
            if let null = node.null { return null }
            return scalar.string
        case .sequence(let sequence):
            var elements: [Any] = []
            for element in sequence { elements.append(try plain(element)) }
            return elements
        case .mapping(let mapping):
            var entries: [String: Any] = [:]
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw .notImportable("a mapping key is not a plain value") }
                entries[name.string] = try plain(value)
            }
            return entries
        case .alias:
            throw .notImportable("an unresolved alias")
        }
    }

    static func scalar(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Double: String(number)
        case let flag as Bool: String(flag)
        default: nil
        }
    }

    private static func severity(_ level: String?) -> String {
        switch level?.lowercased() {
        case "informational": "info"
        case "low": "low"
        case "high": "high"
        case "critical": "critical"
        default: "medium"
        }
    }

    /// `sigma.SOURCE.words_of_the_title`: dotted lower-case words, as every rule id.
    static func ruleID(source: String, title: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = words.joined(separator: "_")
        if slug.count > 60 { slug = String(slug.prefix(60)) }
        while slug.hasSuffix("_") { slug.removeLast() }
        if slug.first.map({ !$0.isLetter }) ?? true { slug = "rule_" + slug }
        return "sigma.\(source).\(slug)"
    }
}
