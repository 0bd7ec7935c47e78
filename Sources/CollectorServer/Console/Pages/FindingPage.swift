import CanhModel
import CollectorStore
import Hummingbird
import Rules

/// One finding: the evidence as the agent reported it, what the rule asks and the law behind
/// it at the system's level, and the timeline of its states, assignments and comments.
extension Console {
    func addFindingRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("findings") { request, context in try await queue(request: request, context: context) }
        group.get("findings/:fingerprint") { request, context in try await finding(request: request, context: context) }
        group.post("findings/bulk") { request, context in try await bulk(request: request, context: context) }
    }

    private func finding(request: Request, context: CollectorContext) async throws -> Response {
        let visit = context.visit
        let language = visit.language
        _ = try visit.user(atLeast: .viewer)
        let fingerprint = try context.parameters.require("fingerprint")
        guard fingerprint.count == 64, fingerprint.utf8.allSatisfy(\.isLowercaseHexDigit),
            let finding = try await stored({ () async throws(StoreError) in try await store.finding(fingerprint: fingerprint) })
        else {
            throw HTTPError(.notFound, message: language == .vi ? "Không có phát hiện này." : "No such finding.")
        }
        let system = try await stored { () async throws(StoreError) in try await store.system(id: finding.system) }
        let transitions = try await stored { () async throws(StoreError) in try await store.transitions(fingerprint: fingerprint) }
        let notes = try await stored { () async throws(StoreError) in try await store.notes(fingerprint: fingerprint) }

        struct EvidenceRow {
            var key: String
            var lines: [String]
        }
        struct RequirementRow {
            var id: String
            var text: String
            var citations: [String]
        }
        struct Moment {
            var at: String
            var actor: String
            var what: String
            var text: String?
            var sortKey: Timestamp
        }
        struct Body {
            var fingerprint: String
            var fingerprintShort: String
            var rule: String
            var groupHref: String
            var title: String
            var severity: String
            var severityKey: String
            var status: String
            var statusKey: String
            var exceptedUntil: String?
            var reason: String?
            var assignee: String
            var system: String
            var level: Int
            var host: String
            var entity: String
            var outcome: String
            var count: Int
            var firstSeen: String
            var lastSeen: String
            var evidence: [EvidenceRow]
            var remediation: String?
            var references: [String]
            var hasReferences: Bool
            var requirements: [RequirementRow]
            var timeline: [Moment]
            var canAct: Bool
            var actionScope: String
            var hidden: [HiddenField]
            var users: [String]
        }
        let level = system?.level ?? .lowest
        let guidance = api.guides.guidance(for: finding.rule)
        let requirements = finding.requirements.map { id in
            let requirement = api.rulePack.requirements[id]
            let citation = requirement?.citation(at: level)
            return RequirementRow(
                id: id, text: requirement?.text[language] ?? "",
                citations: [citation?.legacyText(language), citation?.currentText(language)].compactMap { $0 })
        }
        let vi = language == .vi
        var timeline = transitions.map { transition in
            Moment(
                at: ConsoleFormat.time(transition.at), actor: transition.actor,
                what: (transition.from.map { ConsoleFormat.status($0, language) + " → " }
                    ?? (vi ? "ghi nhận lần đầu: " : "first recorded: "))
                    + ConsoleFormat.status(transition.to, language), text: transition.reason, sortKey: transition.at)
        }
        timeline += notes.map { note in
            let what: String
            switch note.kind {
            case .comment: what = vi ? "bình luận" : "commented"
            case .assignment:
                what =
                    note.text.isEmpty
                    ? (vi ? "bỏ giao việc" : "unassigned") : (vi ? "giao cho \(note.text)" : "assigned to \(note.text)")
            }
            return Moment(
                at: ConsoleFormat.time(note.at), actor: note.actor, what: what, text: note.kind == .comment ? note.text : nil,
                sortKey: note.at)
        }
        let canAct = visit.user.map { $0.role >= .analyst } ?? false
        let users = canAct ? try await stored { () async throws(StoreError) in try await store.users() }.map(\.name) : []
        var group = QueueFilter { _ in nil }
        group.values = ["rule": finding.rule, "system": finding.system]
        let body = Body(
            fingerprint: fingerprint, fingerprintShort: String(fingerprint.prefix(12)), rule: finding.rule,
            groupHref: "/ui/findings?" + group.query, title: finding.title[language],
            severity: ConsoleFormat.severity(finding.severity, language), severityKey: finding.severity.rawValue,
            status: ConsoleFormat.status(finding.status, language), statusKey: finding.status.rawValue,
            exceptedUntil: finding.exceptedUntil.map(ConsoleFormat.time), reason: finding.reason, assignee: finding.assignee ?? "—",
            system: finding.system, level: level.rawValue, host: finding.host, entity: finding.entity, outcome: finding.outcome.rawValue,
            count: finding.count, firstSeen: ConsoleFormat.time(finding.firstSeen), lastSeen: ConsoleFormat.time(finding.lastSeen),
            evidence: Self.evidenceRows(finding.evidence).map { EvidenceRow(key: $0.key, lines: $0.lines) },
            remediation: guidance?.remediation[language], references: guidance?.references ?? [],
            hasReferences: !(guidance?.references ?? []).isEmpty, requirements: requirements,
            timeline: timeline.sorted { $0.sortKey < $1.sortKey }, canAct: canAct,
            actionScope: vi ? "Thao tác chỉ áp dụng cho phát hiện này." : "The action applies to this finding only.",
            hidden: [HiddenField(name: "fingerprint", value: fingerprint)], users: users)
        return page("finding", body, request: request, context: context, notice: Self.notice(request.uri.queryParameters, language))
    }

    /// The evidence object in the order the agent wrote it: one row per key, a list as lines.
    static func evidenceRows(_ json: String) -> [(key: String, lines: [String])] {
        guard case .object(let members)? = try? JSONParser.parse(Array(json.utf8)) else {
            return json.isEmpty ? [] : [("evidence", [json])]
        }
        return members.map { key, value in
            switch value {
            case .array(let items): (key, items.map(Self.plain))
            default: (key, [Self.plain(value)])
            }
        }
    }

    private static func plain(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text.escapingControlCharacters }
        return value.serialized
    }
}
