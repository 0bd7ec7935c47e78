import CanhModel

/// Turns one rule file into rules. A broken rule is reported and skipped; the others load.
enum RuleFileParser {
    static let ruleKeys = [
        "id", "type", "severity", "levels", "requirements", "title", "remediation", "parameters",
        "match", "threshold", "sequence", "gap", "entity", "check", "settings", "tests", "sigma", "references",
    ]

    static func parse(_ text: String, file: String) -> (rules: [Rule], problems: [RuleFileProblem]) {
        let root: YAMLNode
        do {
            guard let parsed = try YAMLNode.parse(text, file: file) else {
                return (
                    [],
                    [
                        RuleFileProblem(
                            location: SourceLocation(file: file, line: nil), field: "rules",
                            message: "the file is empty; a rule file holds a list under \"rules:\"")
                    ]
                )
            }
            root = parsed
        } catch {
            return ([], [error])
        }
        var rules: [Rule] = []
        var problems: [RuleFileProblem] = []
        do {
            let top = try root.mapping(allowed: ["rules"])
            for (index, node) in try top.required("rules").sequence().enumerated() {
                do {
                    rules.append(try parseRule(node, index: index))
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        return (rules, problems)
    }

    private static func parseRule(_ raw: YAMLNode, index: Int) throws(RuleFileProblem) -> Rule {
        // Paths start with the rule id once it is known, so messages name the rule.
        let untitled = YAMLNode(node: raw.node, file: raw.file, path: "rules[\(index)]")
        let idNode = try untitled.anyMapping().required("id")
        let id = try idNode.string()
        guard isRuleID(id) else {
            throw idNode.problem("must be dotted lower-case words like auth.ssh.bruteforce, not \"\(id)\"")
        }
        let node = YAMLNode(node: raw.node, file: raw.file, path: id)
        let rule = try node.mapping(allowed: ruleKeys)

        let severityNode = try rule.required("severity")
        guard let severity = Severity(rawValue: try severityNode.string()) else {
            throw severityNode.problem("must be one of: \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let levels = try parseLevels(rule.required("levels"))
        let sigma = try rule["sigma"].map(parseSigmaOrigin)
        let requirementsNode = try rule.required("requirements")
        let requirements = try requirementsNode.stringList()
        guard !requirements.isEmpty || sigma != nil else { throw requirementsNode.problem("must name at least one requirement id") }
        let parameters = try rule["parameters"].map(parseParameters) ?? LevelParameters()

        let typeNode = try rule.required("type")
        let body: RuleBody
        switch try typeNode.string() {
        case "event", "threshold", "sequence", "gap":
            body = .journal(try JournalRuleParser.parse(rule, type: typeNode.string(), levels: levels, imported: sigma != nil))
        case let other:
            guard let subject = PostureSubject(rawValue: other) else {
                throw typeNode.problem(
                    "unknown rule type \"\(other)\"; expected one of: event, threshold, sequence, gap, certificate, endpoint, key_file")
            }
            for key in ["match", "threshold", "sequence", "gap", "entity"] {
                if let misplaced = rule[key] {
                    throw misplaced.problem("not used by \(other) rules; they take check, settings and tests")
                }
            }
            if let misplaced = rule["sigma"] { throw misplaced.problem("only journal rules are imported from Sigma") }
            body = .posture(try PostureRuleParser.parse(rule, subject: subject, levels: levels))
        }
        return Rule(
            id: id, severity: severity, levels: levels, requirements: requirements,
            title: try parseLocalizedText(rule.required("title")),
            remediation: try parseLocalizedText(rule.required("remediation")),
            references: try rule["references"].map(parseReferences) ?? [],
            parameters: parameters, body: body, sigma: sigma, location: node.location)
    }

    /// Links to the documentation of what the rule checks: https addresses people open from an
    /// alert or a report, so nothing that is not one (no spaces, no control characters).
    private static func parseReferences(_ node: YAMLNode) throws(RuleFileProblem) -> [String] {
        let references = try node.stringList()
        for reference in references {
            guard reference.hasPrefix("https://"), reference.utf8.count <= 512,
                reference.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 })
            else {
                throw node.problem(
                    "\"\(reference.escapingControlCharacters)\" is not an https:// address (at most 512 characters, no spaces)")
            }
        }
        return references
    }

    /// `sigma: {id, title, author, license, references}` of an imported rule.
    private static func parseSigmaOrigin(_ node: YAMLNode) throws(RuleFileProblem) -> SigmaOrigin {
        let mapping = try node.mapping(allowed: ["id", "title", "author", "license", "references"])
        return SigmaOrigin(
            id: try mapping.required("id").nonEmptyString(), title: try mapping.required("title").nonEmptyString(),
            author: try mapping["author"]?.string(), license: try mapping["license"]?.string(),
            references: try mapping["references"]?.stringList() ?? [])
    }

    static func isRuleID(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                guard let first = part.first, first.isASCII, first.isLowercase else { return false }
                return part.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
            }
    }

    static func parseLevels(_ node: YAMLNode) throws(RuleFileProblem) -> [Level] {
        var levels: [Level] = []
        for element in try node.sequence() {
            let number = try element.integer(in: Level.range)
            guard let level = Level(rawValue: number) else { throw element.problem("must be 1 to 5") }
            guard !levels.contains(level) else { throw element.problem("level \(number) is listed twice") }
            levels.append(level)
        }
        guard !levels.isEmpty else { throw node.problem("must list at least one level (1 to 5)") }
        return levels.sorted()
    }

    static func parseLocalizedText(_ node: YAMLNode) throws(RuleFileProblem) -> LocalizedText {
        let mapping = try node.mapping(allowed: ["vi", "en"])
        return LocalizedText(vi: try mapping.required("vi").nonEmptyString(), en: try mapping.required("en").nonEmptyString())
    }

    private static func parseParameters(_ node: YAMLNode) throws(RuleFileProblem) -> LevelParameters {
        var explicit: [Level: [String: ParameterValue]] = [:]
        for (key, valuesNode) in try node.anyMapping().entries {
            guard let number = Int(key.text), let level = Level(rawValue: number) else {
                throw valuesNode.problem("parameters are grouped by level; \"\(key.text)\" is not a level from 1 to 5")
            }
            var values: [String: ParameterValue] = [:]
            for (name, valueNode) in try valuesNode.anyMapping().entries {
                guard isParameterName(name.text) else {
                    throw valueNode.problem("parameter names are lower-case words with underscores")
                }
                let content: ParameterValue.Content =
                    valueNode.isSequence ? .list(try valueNode.stringList()) : .scalar(try valueNode.string())
                values[name.text] = ParameterValue(content: content, location: valueNode.location)
            }
            explicit[level] = values
        }
        return LevelParameters(explicit: explicit)
    }

    static func isParameterName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }
}

extension YAMLNode {
    /// `$name` refers to a level parameter; anything else is parsed by `literal`.
    func parameterized<Value>(
        _ literal: (YAMLNode) throws(RuleFileProblem) -> Value
    ) throws(RuleFileProblem) -> Parameterized<Value> {
        if !isSequence, !isMapping, let text = try? string(), text.hasPrefix("$") {
            let name = String(text.dropFirst())
            guard RuleFileParser.isParameterName(name) else { throw problem("\"\(text)\" is not a valid parameter reference") }
            return .parameter(name, location)
        }
        return .literal(try literal(self))
    }

    func timeSpan() throws(RuleFileProblem) -> TimeSpan {
        let text = try string()
        guard let span = TimeSpan(parsing: text), span > .zero else {
            throw problem("must be a duration like 30s, 10m, 2h or 7d, not \"\(text)\"")
        }
        return span
    }
}
