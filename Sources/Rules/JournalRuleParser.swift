import CanhModel

/// Parses the journal-specific part of a rule: matchers, the detection of its type, the entity
/// and the embedded tests.
enum JournalRuleParser {
    /// - Parameter imported: a rule imported from Sigma, which may come without tests.
    static func parse(_ rule: YAMLMapping, type: String, levels: [Level], imported: Bool = false) throws(RuleFileProblem) -> JournalRule {
        let detectionKeys = ["match", "threshold", "sequence", "gap"]
        let allowed: [String] =
            switch type {
            case "event": ["match"]
            case "threshold": ["match", "threshold"]
            case "sequence": ["sequence"]
            default: ["gap"]
            }
        for key in detectionKeys where !allowed.contains(key) {
            if let misplaced = rule[key] {
                throw misplaced.problem("not used by \(type) rules; a \(type) rule takes \(allowed.joined(separator: " and "))")
            }
        }

        let detection: JournalDetection
        switch type {
        case "event":
            detection = .event(matchers: try parseMatchers(rule.required("match")))
        case "threshold":
            detection = .threshold(
                matchers: try parseMatchers(rule.required("match")), threshold: try parseThreshold(rule.required("threshold")))
        case "sequence":
            detection = .sequence(try parseSequence(rule.required("sequence")))
        default:
            let gap = try rule.required("gap").mapping(allowed: ["max_silence"])
            detection = .gap(
                maxSilence: try gap.required("max_silence").parameterized { node throws(RuleFileProblem) in try node.timeSpan() })
        }

        let entityNode = try rule.required("entity")
        let entity: JournalEntity =
            switch try entityNode.string() {
            case "host": .host
            case "boot_id": .bootID
            case let capture: .capture(capture)
            }

        if imported, rule["tests"] == nil { return JournalRule(detection: detection, entity: entity, tests: []) }
        let testsNode = try rule.required("tests")
        var tests: [JournalRuleTest] = []
        for testNode in try testsNode.sequence() {
            tests.append(try JournalRuleTestParser.parse(testNode, ruleLevels: levels))
        }
        guard tests.contains(where: { !$0.expected.isEmpty }), tests.contains(where: { $0.expected.isEmpty }) else {
            throw testsNode.problem("needs at least one test that fires (expect: a finding) and one that does not (expect: [])")
        }
        return JournalRule(detection: detection, entity: entity, tests: tests)
    }

    /// One matcher (a mapping) or alternatives (a list of mappings).
    static func parseMatchers(_ node: YAMLNode) throws(RuleFileProblem) -> [EntryMatcher] {
        if node.isSequence {
            var matchers: [EntryMatcher] = []
            for element in try node.sequence() { matchers.append(try parseMatcher(element)) }
            guard !matchers.isEmpty else { throw node.problem("must hold at least one matcher") }
            return matchers
        }
        return [try parseMatcher(node)]
    }

    private static func parseMatcher(_ node: YAMLNode) throws(RuleFileProblem) -> EntryMatcher {
        let mapping = try node.mapping(allowed: ["fields", "message", "captures", "where", "weight"])
        var fields: [FieldCondition] = []
        if let fieldsNode = mapping["fields"] {
            for (name, valueNode) in try fieldsNode.anyMapping().entries {
                guard JournalEvent.isFieldName(name.text) else {
                    throw valueNode.problem("\"\(name.text)\" is not a journal field name (upper-case letters, digits and _)")
                }
                fields.append(FieldCondition(field: name.text, test: try parseFieldTest(valueNode)))
            }
        }
        let message = try mapping["message"].map { node throws(RuleFileProblem) in
            MessagePattern(source: try node.nonEmptyString(), location: node.location, path: node.path)
        }
        guard !fields.isEmpty || message != nil else {
            throw node.problem("a matcher needs fields, a message pattern, or both")
        }
        var captureTypes: [String: CaptureType] = [:]
        if let capturesNode = mapping["captures"] {
            for (name, typeNode) in try capturesNode.anyMapping().entries {
                guard let type = CaptureType(rawValue: try typeNode.string()) else {
                    throw typeNode.problem("capture type must be one of: \(CaptureType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                captureTypes[name.text] = type
            }
        }
        var conditions: [CaptureCondition] = []
        if let whereNode = mapping["where"] {
            for (capture, conditionNode) in try whereNode.anyMapping().entries {
                let condition = try conditionNode.mapping(allowed: ["in", "not_in"])
                guard condition.entries.count == 1, let (key, listNode) = condition.entries.first.map({ ($0.key.text, $0.value) })
                else { throw conditionNode.problem("write exactly one of in: or not_in:") }
                conditions.append(
                    CaptureCondition(
                        capture: capture.text, isMember: key == "in",
                        values: try listNode.parameterized { node throws(RuleFileProblem) in try node.stringList() },
                        location: conditionNode.location))
            }
        }
        let weight = try mapping["weight"].map { node throws(RuleFileProblem) in
            try node.parameterized { node throws(RuleFileProblem) in try node.integer(in: 1...1_000_000) }
        }
        return EntryMatcher(
            fields: fields, message: message, captureTypes: captureTypes, captureConditions: conditions,
            weight: weight, location: node.location, path: node.path)
    }

    private static func parseFieldTest(_ node: YAMLNode) throws(RuleFileProblem) -> FieldCondition.Test {
        if node.isMapping {
            let range = try node.mapping(allowed: ["min", "max"])
            let lower = try range["min"]?.integer(in: Int.min...Int.max) ?? Int.min
            let upper = try range["max"]?.integer(in: Int.min...Int.max) ?? Int.max
            guard lower <= upper else { throw node.problem("min must not be above max") }
            return .numberIn(lower...upper)
        }
        let values = try node.stringList()
        guard !values.isEmpty else { throw node.problem("must list at least one value") }
        return .oneOf(values)
    }

    private static func parseThreshold(_ node: YAMLNode) throws(RuleFileProblem) -> ThresholdSpec {
        let mapping = try node.mapping(allowed: ["group_by", "count", "distinct", "window", "same_attempt"])
        let sameAttempt = try parseSameAttempt(mapping)
        if sameAttempt != nil, let distinct = mapping["distinct"] {
            throw distinct.problem("same_attempt joins entries that count one attempt; with distinct, values are counted instead")
        }
        return ThresholdSpec(
            groupBy: try mapping["group_by"]?.stringList() ?? [],
            count: try mapping.required("count").parameterized { node throws(RuleFileProblem) in try node.integer(in: 1...1_000_000) },
            distinct: try mapping["distinct"]?.string(),
            window: try mapping.required("window").parameterized { node throws(RuleFileProblem) in try node.timeSpan() },
            sameAttempt: sameAttempt, location: node.location)
    }

    /// `same_attempt: 2s`: at most a minute, since one attempt's lines are written within seconds.
    private static func parseSameAttempt(_ mapping: YAMLMapping) throws(RuleFileProblem) -> TimeSpan? {
        guard let node = mapping["same_attempt"] else { return nil }
        let span = try node.timeSpan()
        guard span.microseconds > 0, span.microseconds <= 60_000_000 else { throw node.problem("must be more than 0s and at most 1m") }
        return span
    }

    private static func parseSequence(_ node: YAMLNode) throws(RuleFileProblem) -> SequenceSpec {
        let mapping = try node.mapping(allowed: ["group_by", "window", "first", "then", "same_attempt"])
        let first = try mapping.required("first").mapping(allowed: ["match", "count"])
        let then = try mapping.required("then").mapping(allowed: ["match"])
        return SequenceSpec(
            groupBy: try mapping.required("group_by").stringList(),
            window: try mapping.required("window").parameterized { node throws(RuleFileProblem) in try node.timeSpan() },
            sameAttempt: try parseSameAttempt(mapping),
            first: try parseMatchers(first.required("match")),
            firstCount: try first.required("count").parameterized { node throws(RuleFileProblem) in try node.integer(in: 1...1_000_000) },
            then: try parseMatchers(then.required("match")),
            location: node.location)
    }
}
