import CanhModel

/// Parses a journal rule's embedded tests.
///
/// Entries are written as their journal fields plus three optional keys: `at` (an ISO 8601 time,
/// or `+30s` after the previous entry; by default one second after it), `repeat` (how many copies)
/// and `every` (the spacing of the copies, default 1s). Tests start at 2026-01-01T00:00:00Z.
enum JournalRuleTestParser {
    static let start = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000)
    static let defaultBootID = BootID(high: 0x0123_4567_89ab_cdef, low: 0x0123_4567_89ab_cdef)

    static func parse(_ node: YAMLNode, ruleLevels: [Level]) throws(RuleFileProblem) -> JournalRuleTest {
        let mapping = try node.mapping(allowed: ["name", "level", "host", "fields", "entries", "expect"])
        let name = try mapping.required("name").nonEmptyString()
        let level = try mapping.testLevel(ruleLevels: ruleLevels)
        let host = try mapping["host"]?.nonEmptyString() ?? "test-host"
        var common: [String: [UInt8]] = [:]
        if let fieldsNode = mapping["fields"] {
            for (fieldName, valueNode) in try fieldsNode.anyMapping().entries {
                guard JournalEvent.isFieldName(fieldName.text) else {
                    throw valueNode.problem("\"\(fieldName.text)\" is not a journal field name")
                }
                common[fieldName.text] = Array(try valueNode.string().utf8)
            }
        }

        var entries: [TestEntry] = []
        var clock = start - .seconds(1)
        let entriesNode = try mapping.required("entries")
        for entryNode in try entriesNode.sequence() {
            let entry = try entryNode.anyMapping()
            var fields = common
            var repeatCount = 1
            var spacing = TimeSpan.seconds(1)
            var bootID = defaultBootID
            var explicitTime: Timestamp?
            for (key, valueNode) in entry.entries {
                switch key.text {
                case "at":
                    let text = try valueNode.string()
                    if text.hasPrefix("+"), let offset = TimeSpan(parsing: text.dropFirst()) {
                        explicitTime = clock + offset
                    } else if let time = Timestamp(iso8601: text) {
                        explicitTime = time
                    } else {
                        throw valueNode.problem("must be a time like 2026-11-22T03:14:15Z or an offset like +30s")
                    }
                case "repeat": repeatCount = try valueNode.integer(in: 1...100_000)
                case "every": spacing = try valueNode.timeSpan()
                case "boot_id":
                    guard let parsed = BootID(hex: try valueNode.string()) else {
                        throw valueNode.problem("must be 32 hexadecimal digits")
                    }
                    bootID = parsed
                case let field where JournalEvent.isFieldName(field):
                    fields[field] = Array(try valueNode.string().utf8)
                default:
                    throw valueNode.problem("unknown key; entries hold journal fields (upper case) and at, repeat, every, boot_id")
                }
            }
            clock = explicitTime ?? clock + .seconds(1)
            for copy in 0..<repeatCount {
                if copy > 0 { clock = clock + spacing }
                entries.append(TestEntry(time: clock, bootID: bootID, fields: fields))
            }
        }
        guard !entries.isEmpty else { throw entriesNode.problem("must hold at least one entry") }

        var expected: [ExpectedFinding] = []
        for expectNode in try mapping.required("expect").sequence() {
            let expectation = try expectNode.mapping(allowed: ["entity", "count", "outcome", "evidence"])
            var outcome = Outcome.fail
            if let outcomeNode = expectation["outcome"] {
                guard let parsed = Outcome(rawValue: try outcomeNode.string()) else {
                    throw outcomeNode.problem("must be fail, pass or error")
                }
                outcome = parsed
            }
            var evidence: [String: String] = [:]
            if let evidenceNode = expectation["evidence"] {
                for (key, valueNode) in try evidenceNode.anyMapping().entries { evidence[key.text] = try valueNode.string() }
            }
            expected.append(
                ExpectedFinding(
                    entity: try expectation.required("entity").string(),
                    count: try expectation["count"]?.integer(in: 1...Int.max), outcome: outcome, evidence: evidence,
                    location: expectNode.location))
        }
        return JournalRuleTest(name: name, level: level, host: host, entries: entries, expected: expected, location: node.location)
    }
}
