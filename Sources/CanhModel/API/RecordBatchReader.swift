/// Reads a batch body (`{"records": [...]}`) into finding records, naming the field at fault
/// (`records[3].severity: …`) when one is wrong. Used by the collector instead of `Decodable`.
public enum RecordBatchReader {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }

        public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
    }

    public static func records(from body: [UInt8]) throws(Failure) -> [FindingRecord] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            throw Failure(field: "", reason: "the body is not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case .object(let members) = root else { throw Failure(field: "", reason: "the body must be an object {\"records\": [...]}") }
        guard let recordsValue = members.first(where: { $0.0 == "records" })?.1 else { throw Failure(field: "records", reason: "missing") }
        guard case .array(let elements) = recordsValue else { throw Failure(field: "records", reason: "expected an array") }
        var records: [FindingRecord] = []
        records.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            records.append(try record(element, field: "records[\(index)]"))
        }
        return records
    }

    private static let outcomes = Outcome.allCases.map(\.rawValue)
    private static let severities = Severity.allCases.map(\.rawValue)

    static func record(_ value: JSONValue, field record: String) throws(Failure) -> FindingRecord {
        guard case .object(let members) = value else { throw Failure(field: record, reason: "expected an object") }
        // The path of a member: `records[3].severity`, or `severity` for a lone record.
        func path(_ key: String) -> String { record.isEmpty ? key : "\(record).\(key)" }
        // A linear search: records have a dozen keys, and hashing them cost more than finding them.
        func member(_ key: String) -> JSONValue? {
            for (name, value) in members where name == key { return value }
            return nil
        }
        func required(_ key: String) throws(Failure) -> JSONValue {
            guard let value = member(key) else { throw Failure(field: path(key), reason: "missing") }
            return value
        }
        func text(_ key: String) throws(Failure) -> String {
            guard case .string(let string) = try required(key) else { throw Failure(field: path(key), reason: "expected a string") }
            return string
        }
        func time(_ key: String) throws(Failure) -> Timestamp {
            guard let time = Timestamp(iso8601: try text(key)) else {
                throw Failure(field: path(key), reason: "expected an ISO 8601 time like 2026-11-22T03:14:15Z")
            }
            return time
        }
        func number(_ key: String) throws(Failure) -> Int64 {
            guard case .integer(let value) = try required(key) else {
                throw Failure(field: path(key), reason: "expected a whole number")
            }
            return value
        }
        func choice(_ key: String, among names: [String]) throws(Failure) -> String {
            let raw = try text(key)
            guard names.contains(raw) else {
                throw Failure(field: path(key), reason: "\"\(raw)\" is not one of \(names.joined(separator: ", "))")
            }
            return raw
        }
        // Read in the order of SPEC §5, so the first field named is the first one wrong.
        let id = try text("id")
        let fingerprint = try text("fingerprint")
        let rule = try text("rule")
        let outcome = Outcome(rawValue: try choice("outcome", among: outcomes)) ?? .error
        let severity = Severity(rawValue: try choice("severity", among: severities)) ?? .info
        let levelNumber = try number("level")
        guard let level = Level(rawValue: Int(clamping: levelNumber)) else {
            throw Failure(field: path("level"), reason: "a level is 1 to 5")
        }
        guard case .array(let requirementValues) = try required("requirements") else {
            throw Failure(field: path("requirements"), reason: "expected an array of requirement ids")
        }
        var requirements: [String] = []
        for (index, requirement) in requirementValues.enumerated() {
            guard case .string(let id) = requirement else {
                throw Failure(field: path("requirements[\(index)]"), reason: "expected a string")
            }
            requirements.append(id)
        }
        guard case .object(let titleMembers) = try required("title") else {
            throw Failure(field: path("title"), reason: "expected {vi, en}")
        }
        var title: [String: String] = [:]
        for (language, value) in titleMembers { if case .string(let string) = value { title[language] = string } }
        guard let vi = title["vi"], let en = title["en"] else { throw Failure(field: path("title"), reason: "needs vi and en") }
        var evidence = Evidence()
        if let evidenceValue = member("evidence") {
            guard case .object(let entries) = evidenceValue else { throw Failure(field: path("evidence"), reason: "expected an object") }
            for (key, entry) in entries {
                switch entry {
                case .string(let string): evidence[key] = .text(string)
                case .integer(let value): evidence[key] = .number(value)
                case .array(let items):
                    var list: [String] = []
                    for item in items {
                        guard case .string(let string) = item else {
                            throw Failure(field: path("evidence.\(key)"), reason: "lists hold strings")
                        }
                        list.append(string)
                    }
                    evidence[key] = .list(list)
                default: throw Failure(field: path("evidence.\(key)"), reason: "expected a string, a whole number or a list of strings")
                }
            }
        }
        let count = try number("count")
        guard count >= 0, count <= Int64(Int32.max) else { throw Failure(field: path("count"), reason: "must be 0 or more") }
        return FindingRecord(
            id: id, fingerprint: fingerprint, rule: rule, outcome: outcome, severity: severity, level: level, requirements: requirements,
            host: try text("host"),
            entity: try text("entity"), time: try time("time"), firstSeen: member("first_seen") == nil ? nil : try time("first_seen"),
            count: Int(count), title: LocalizedText(vi: vi, en: en), evidence: evidence)
    }
}
