/// One finding record of SPEC §5: what `scan` prints and the agent delivers, one JSON object per line.
public struct FindingRecord: Sendable, Hashable {
    /// Unique per record and stable across re-sends; the collector de-duplicates on it.
    public var id: String
    /// Stable hash of (host, rule, entity): the collector keeps one state per fingerprint.
    public var fingerprint: String
    public var rule: String
    public var outcome: Outcome
    public var severity: Severity
    public var level: Level
    public var requirements: [String]
    public var host: String
    public var entity: String
    public var time: Timestamp
    public var firstSeen: Timestamp?
    public var count: Int
    public var title: LocalizedText
    public var evidence: Evidence

    public init(
        id: String, fingerprint: String, rule: String, outcome: Outcome, severity: Severity, level: Level,
        requirements: [String], host: String, entity: String, time: Timestamp, firstSeen: Timestamp?,
        count: Int, title: LocalizedText, evidence: Evidence
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.rule = rule
        self.outcome = outcome
        self.severity = severity
        self.level = level
        self.requirements = requirements
        self.host = host
        self.entity = entity
        self.time = time
        self.firstSeen = firstSeen
        self.count = count
        self.title = title
        self.evidence = evidence
    }

    /// The fingerprint of (host, rule, entity).
    public static func fingerprint(host: String, rule: String, entity: String) -> String {
        StableDigest.hex(of: [host, rule, entity])
    }

    /// A record id from the fingerprint and what triggered this record (a journal cursor,
    /// a check run's time): the same trigger always yields the same id.
    public static func id(fingerprint: String, outcome: Outcome, trigger: String) -> String {
        StableDigest.hex(of: [fingerprint, outcome.rawValue, trigger])
    }

    /// The record as a JSON object with the keys in SPEC §5 order.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)), ("fingerprint", .string(fingerprint)), ("rule", .string(rule)),
            ("outcome", .string(outcome.rawValue)), ("severity", .string(severity.rawValue)),
            ("level", .integer(Int64(level.rawValue))), ("requirements", .array(requirements.map(JSONValue.string))),
            ("host", .string(host)), ("entity", .string(entity)), ("time", .string(time.iso8601)),
        ]
        if let firstSeen { members.append(("first_seen", .string(firstSeen.iso8601))) }
        members.append(("count", .integer(Int64(count))))
        members.append(("title", .object([("vi", .string(title.vi)), ("en", .string(title.en))])))
        members.append(("evidence", evidence.json))
        return .object(members)
    }

    /// One line of JSON Lines output.
    public var jsonLine: String { json.serialized }
}

extension FindingRecord {
    /// A record read back from one line of `scan` output or a batch element: the same reader the
    /// collector uses, so there is one definition of what a valid record is.
    public init(jsonLine: String) throws(RecordBatchReader.Failure) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(jsonLine.utf8))
        } catch {
            throw RecordBatchReader.Failure(field: "", reason: "not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        self = try RecordBatchReader.record(value, field: "")
    }
}
