import CanhModel
import CollectorStore
import Logging
import PostgresNIO

/// Reading rows by column name or position, with the store's error on a mismatch.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, _: T.Type = T.self) throws -> T {
        try self[column].decode(T.self, context: .default)
    }

    func value<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T {
        try self[index].decode(T.self, context: .default)
    }

    func time(_ column: String) throws -> Timestamp { Timestamp(microsecondsSinceEpoch: try value(column)) }

    func time(_ column: String) throws -> Timestamp? { try value(column, Int64?.self).map(Timestamp.init(microsecondsSinceEpoch:)) }
}

extension PostgresRowSequence {
    /// Every row, each read by `transform`.
    func all<Value>(_ transform: (PostgresRandomAccessRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in self { values.append(try transform(row.makeRandomAccess())) }
        return values
    }

    func first<Value>(_ transform: (PostgresRandomAccessRow) throws -> Value) async throws -> Value? {
        var first: Value?
        for try await row in self where first == nil { first = try transform(row.makeRandomAccess()) }
        return first
    }

    /// The first column of the first row.
    func scalar<Value: PostgresDecodable>(_: Value.Type = Value.self) async throws -> Value? {
        try await first { try $0.value(0, Value.self) }
    }
}

extension PostgresConnection {
    /// Runs a statement and reads whatever rows it returns, so that the next one can start.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}

/// A statement built piece by piece, its values bound as `$1`, `$2`…
struct SQLBuilder {
    var text = ""
    var binds = PostgresBindings()

    /// Binds a value and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}

/// Rows into the collector's nouns.
enum PostgresRows {
    static func system(_ row: PostgresRandomAccessRow) throws -> InformationSystem {
        func decision(_ prefix: String) throws -> Decision? {
            try row.value("\(prefix)_number", String?.self).map {
                Decision(number: $0, date: try row.value("\(prefix)_date"), issuer: try row.value("\(prefix)_issuer"))
            }
        }
        return InformationSystem(
            id: try row.value("id"), name: try row.value("name"), owner: try row.value("owner"), operatorUnit: try row.value("operator"),
            level: Level(rawValue: try row.value("level", Int.self)) ?? .lowest,
            proposedLevel: try row.value("proposed_level", Int?.self).flatMap(Level.init(rawValue:)),
            dossier: DossierStatus(rawValue: try row.value("dossier")) ?? .none, decisionNumber: try row.value("decision_number"),
            decisionDate: try row.value("decision_date"), decisionIssuer: try row.value("decision_issuer"),
            appraisal: try decision("appraisal"), expectedApproval: try row.value("expected_approval"),
            regulation: try decision("regulation"), securityUnit: try row.value("security_unit"),
            contact: try row.value("contact_name", String?.self).map {
                Contact(
                    name: $0, title: try row.value("contact_title"), phone: try row.value("contact_phone"),
                    email: try row.value("contact_email"))
            },
            goLive: try row.value("go_live"), plan: PlanImplementation(rawValue: try row.value("plan")) ?? .none,
            planExpected: try row.value("plan_expected"),
            monitoredElsewhere: try row.value("monitored_by", String?.self).map {
                ExternalMonitoring(
                    by: $0, evidence: try row.value("monitoring_evidence", String?.self) ?? "",
                    until: try row.value("monitoring_until", String?.self) ?? "")
            })
    }

    static func host(_ row: PostgresRandomAccessRow) throws -> EnrolledHost {
        EnrolledHost(
            agentID: try row.value("agent_id"), hostname: try row.value("hostname"), machineID: try row.value("machine_id"),
            os: try row.value("os"), agentVersion: try row.value("agent_version"), rulesVersion: try row.value("rules_version"),
            rulesFailure: try row.value("rules_failure"), system: try row.value("system_id"), enrolledAt: try row.time("enrolled_at"),
            lastSeen: try row.time("last_seen"),
            status: EnrolledHost.Status(rawValue: try row.value("status")) ?? .active, replacedBy: try row.value("replaced_by"))
    }

    static func user(_ row: PostgresRandomAccessRow) throws -> User {
        User(name: try row.value("name"), role: Role(rawValue: try row.value("role")) ?? .viewer, createdAt: try row.time("created_at"))
    }

    /// The columns of a finding with its rule's title, in the order `finding(_:)` reads them.
    static let findingColumns = """
        f.id, f.fingerprint, f.rule, f.entity, f.host, f.system_id, f.severity, f.status, f.outcome, f.count, f.first_seen,
            f.last_seen, f.requirements, f.evidence, f.reason, f.excepted_until, f.assignee, t.title_vi, t.title_en
        FROM findings f LEFT JOIN rule_titles t ON t.rule = f.rule
        """

    static func finding(_ row: PostgresRandomAccessRow) throws -> FindingState {
        FindingState(
            fingerprint: try row.value(1), rule: try row.value(2), entity: try row.value(3), host: try row.value(4),
            system: try row.value(5), severity: Severity(rank: try row.value(6, Int.self)) ?? .info,
            status: FindingStatus(rawValue: try row.value(7)) ?? .open, outcome: Outcome(rawValue: try row.value(8)) ?? .fail,
            count: Int(try row.value(9, Int64.self)), firstSeen: Timestamp(microsecondsSinceEpoch: try row.value(10)),
            lastSeen: Timestamp(microsecondsSinceEpoch: try row.value(11)),
            requirements: try row.value(12, String.self).split(separator: ",").map(String.init),
            title: LocalizedText(vi: try row.value(17, String?.self) ?? "", en: try row.value(18, String?.self) ?? ""),
            evidence: try row.value(13), reason: try row.value(14),
            exceptedUntil: try row.value(15, Int64?.self).map(Timestamp.init(microsecondsSinceEpoch:)), assignee: try row.value(16))
    }

    static func findingID(_ row: PostgresRandomAccessRow) throws -> Int64 { try row.value(0) }
}
