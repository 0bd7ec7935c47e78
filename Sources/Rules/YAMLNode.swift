import CanhModel
internal import Yams

/// A YAML node with the file it came from and the field path leading to it, so that every
/// problem can be reported as `file:line: field: what is wrong`.
struct YAMLNode {
    let node: Node
    let file: String
    let path: String

    var line: Int? { node.mark?.line }
    var location: SourceLocation { SourceLocation(file: file, line: line) }

    func problem(_ message: String) -> RuleFileProblem {
        RuleFileProblem(location: location, field: path, message: message)
    }

    /// Parses a whole file; a syntax error becomes a problem at its line.
    static func parse(_ text: String, file: String) throws(RuleFileProblem) -> YAMLNode? {
        do {
            guard let node = try Yams.compose(yaml: text) else { return nil }
            return YAMLNode(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw RuleFileProblem(location: SourceLocation(file: file, line: error.line), field: "(file)", message: error.summary)
        } catch {
            throw RuleFileProblem(location: SourceLocation(file: file, line: nil), field: "(file)", message: "\(error)")
        }
    }

    func child(_ node: Node, key: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// A mapping whose keys must all be in `allowed`.
    func mapping(allowed: [String]) throws(RuleFileProblem) -> YAMLMapping {
        let mapping = try anyMapping()
        for key in mapping.keys where !allowed.contains(key.text) {
            throw child(key.node, key: key.text).problem(
                "unknown key; expected one of: \(allowed.joined(separator: ", "))")
        }
        return mapping
    }

    /// A mapping with any keys (validated by the caller).
    func anyMapping() throws(RuleFileProblem) -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw problem("must be a mapping of keys to values") }
        var entries: [(key: YAMLKey, value: YAMLNode)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else { throw problem("keys must be plain words") }
            entries.append((YAMLKey(text: scalar.string, node: key), child(value, key: scalar.string)))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    func sequence() throws(RuleFileProblem) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw problem("must be a list") }
        return sequence.enumerated().map { index, element in
            YAMLNode(node: element, file: file, path: "\(path)[\(index)]")
        }
    }

    var isSequence: Bool {
        if case .sequence = node { return true }
        return false
    }

    var isMapping: Bool {
        if case .mapping = node { return true }
        return false
    }

    func string() throws(RuleFileProblem) -> String {
        guard case .scalar(let scalar) = node else { throw problem("must be a single value, not a list or mapping") }
        return scalar.string
    }

    func nonEmptyString() throws(RuleFileProblem) -> String {
        let text = try string()
        guard !text.trimmingWhitespace.isEmpty else { throw problem("must not be empty") }
        return text
    }

    func integer(in range: ClosedRange<Int>) throws(RuleFileProblem) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw problem("must be a whole number, not \"\(text)\"") }
        guard range.contains(value) else {
            throw problem("must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
        }
        return value
    }

    func boolean() throws(RuleFileProblem) -> Bool {
        switch try string() {
        case "true", "yes": return true
        case "false", "no": return false
        case let text: throw problem("must be true or false, not \"\(text)\"")
        }
    }

    func timestamp() throws(RuleFileProblem) -> Timestamp {
        let text = try string()
        guard let time = Timestamp(iso8601: text) else { throw problem("must be a time like 2026-11-22T03:14:15Z, not \"\(text)\"") }
        return time
    }

    /// A single value or a list of single values.
    func stringList() throws(RuleFileProblem) -> [String] {
        if isSequence {
            var values: [String] = []
            for element in try sequence() { values.append(try element.string()) }
            return values
        }
        return [try string()]
    }
}

struct YAMLKey {
    let text: String
    let node: Node
}

struct YAMLMapping {
    let owner: YAMLNode
    let entries: [(key: YAMLKey, value: YAMLNode)]

    var keys: [YAMLKey] { entries.map(\.key) }

    subscript(key: String) -> YAMLNode? { entries.first { $0.key.text == key }?.value }

    func required(_ key: String) throws(RuleFileProblem) -> YAMLNode {
        guard let value = self[key] else {
            throw RuleFileProblem(
                location: owner.location, field: owner.path.isEmpty ? key : "\(owner.path).\(key)",
                message: "is required")
        }
        return value
    }
}

extension YAMLMapping {
    /// A test's `level:`, one of the rule's levels; the rule's lowest level when absent.
    func testLevel(ruleLevels: [Level]) throws(RuleFileProblem) -> Level {
        guard let levelNode = self["level"] else { return ruleLevels[0] }
        guard let chosen = Level(rawValue: try levelNode.integer(in: Level.range)), ruleLevels.contains(chosen) else {
            throw levelNode.problem("the rule applies at levels \(ruleLevels.map(\.description).joined(separator: ", ")) only")
        }
        return chosen
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    /// The problem without Yams' snippet of the offending line, saying where the construct
    /// that failed began when that is elsewhere (an unclosed quote, say).
    var summary: String {
        switch self {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            guard let context else { return "invalid YAML: \(problem)" }
            let start = context.mark.line == mark.line ? "" : " that starts at line \(context.mark.line)"
            return "invalid YAML: \(problem) \(context.text)\(start)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys: \(duplicates.joined(separator: ", "))"
        default:
            return "invalid YAML: \(self)"
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
