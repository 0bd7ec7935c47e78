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

extension FindingRecord: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id, fingerprint, rule, outcome, severity, level, requirements, host, entity, time
        case firstSeen = "first_seen"
        case count, title, evidence
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        fingerprint = try container.decode(String.self, forKey: .fingerprint)
        rule = try container.decode(String.self, forKey: .rule)
        outcome = try container.decode(Outcome.self, forKey: .outcome)
        severity = try container.decode(Severity.self, forKey: .severity)
        level = try container.decode(Level.self, forKey: .level)
        requirements = try container.decode([String].self, forKey: .requirements)
        host = try container.decode(String.self, forKey: .host)
        entity = try container.decode(String.self, forKey: .entity)
        time = try Self.decodeTime(container, .time)
        firstSeen = try container.contains(.firstSeen) ? Self.decodeTime(container, .firstSeen) : nil
        count = try container.decode(Int.self, forKey: .count)
        title = try container.decode(LocalizedText.self, forKey: .title)
        evidence = try container.decodeIfPresent(DecodedEvidence.self, forKey: .evidence)?.evidence ?? Evidence()
    }

    private static func decodeTime(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Timestamp {
        let text = try container.decode(String.self, forKey: key)
        guard let time = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "expected an ISO 8601 time like 2026-11-22T03:14:15Z")
        }
        return time
    }
}

/// Evidence decoded from JSON; key order is not preserved by the decoder, so keys are sorted.
private struct DecodedEvidence: Decodable {
    var evidence = Evidence()

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            if let text = try? container.decode(String.self, forKey: key) {
                evidence[key.stringValue] = .text(text)
            } else if let number = try? container.decode(Int64.self, forKey: key) {
                evidence[key.stringValue] = .number(number)
            } else {
                evidence[key.stringValue] = .list(try container.decode([String].self, forKey: key))
            }
        }
    }
}
