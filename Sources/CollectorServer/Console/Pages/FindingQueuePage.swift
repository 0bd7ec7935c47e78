import CanhModel
import CollectorStore
import Hummingbird

/// The findings queue: grouped by rule and system, or the findings themselves once the filter
/// is narrow; the filter lives in the URL, so a view can be bookmarked and sent to a colleague.
extension Console {
    /// Most groups or findings one page shows.
    static let queueRows = 200
    /// Most findings the queue groups and counts when the filter is on a host, a time or a text
    /// (the tallies answer the others whole): a page stays fast on a million findings, and says
    /// when there are more.
    static let queueScan = 50_000

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct FilterForm {
        var action: String
        var host: String
        var rule: String
        var since: String
        var text: String
        var systems: [Option]
        var severities: [Option]
        var statuses: [Option]
    }

    struct HiddenField {
        var name: String
        var value: String
    }

    func queue(request: Request, context: CollectorContext) async throws -> Response {
        let visit = context.visit
        let language = visit.language
        _ = try visit.user(atLeast: .viewer)
        let query = request.uri.queryParameters
        // The queue opens on the work to do: open findings, until the filter says otherwise.
        let filter = QueueFilter { name in request.uri.query == nil && name == "status" ? "open" : query.get(name) }
        let storeFilter = try filter.findingFilter(limit: Self.queueRows, language: language)
        let whole = store.countsWhole(storeFilter)
        // Grouped from the findings (a host, a time, a text), the groups already count what they
        // hold: the filter is only walked a second time when they may not hold everything.
        let scanned =
            whole || filter.listsFindings
            ? nil
            : try await stored { () async throws(StoreError) in try await store.findingGroups(storeFilter, scanLimit: Self.queueScan) }
        let grouped = scanned?.reduce(0) { $0 + $1.count }
        let matched =
            if let grouped, grouped < Self.queueScan, (scanned?.count ?? 0) < Self.queueRows {
                grouped
            } else {
                try await stored { () async throws(StoreError) in
                    try await store.countFindings(storeFilter, upTo: whole ? .max : Self.queueScan + 1)
                }
            }
        let partial = matched > Self.queueScan

        struct GroupRow {
            var severity: String
            var severityKey: String
            var rule: String
            var title: String
            var system: String
            var count: String
            var statuses: String
            var href: String
        }
        struct FindingRow {
            var fingerprint: String
            var severity: String
            var severityKey: String
            var host: String
            var entity: String
            var title: String
            var status: String
            var statusKey: String
            var assignee: String
            var count: Int
            var lastSeen: String
        }
        struct Body {
            var filter: FilterForm
            var summary: String
            var grouped: Bool
            var groups: [GroupRow]
            var moreGroups: Bool
            var findings: [FindingRow]
            var moreFindings: Bool
            var canAct: Bool
            var matched: Bool
            var actionScope: String
            var hidden: [HiddenField]
            var users: [String]
        }
        var groups: [GroupRow] = []
        var findings: [FindingRow] = []
        if filter.listsFindings {
            findings = try await stored { () async throws(StoreError) in try await store.findings(storeFilter) }.map { finding in
                FindingRow(
                    fingerprint: finding.fingerprint, severity: ConsoleFormat.severity(finding.severity, language),
                    severityKey: finding.severity.rawValue, host: finding.host, entity: finding.entity,
                    title: finding.title[language], status: ConsoleFormat.status(finding.status, language),
                    statusKey: finding.status.rawValue, assignee: finding.assignee ?? "", count: finding.count,
                    lastSeen: ConsoleFormat.time(finding.lastSeen))
            }
        } else {
            let found: [FindingGroup]
            if let scanned {
                found = scanned
            } else {
                found = try await stored { () async throws(StoreError) in
                    try await store.findingGroups(storeFilter, scanLimit: Self.queueScan)
                }
            }
            groups = found.map { group in
                var narrowed = filter
                narrowed.values["rule"] = group.rule
                narrowed.values["system"] = group.system
                return GroupRow(
                    severity: ConsoleFormat.severity(group.highestSeverity, language), severityKey: group.highestSeverity.rawValue,
                    rule: group.rule, title: group.title[language], system: group.system,
                    count: ConsoleFormat.number(group.count, language),
                    statuses: FindingStatus.allCases.compactMap { status in
                        group.statuses[status].map { "\(ConsoleFormat.status(status, language)): \(ConsoleFormat.number($0, language))" }
                    }.joined(separator: ", "),
                    href: "/ui/findings?" + narrowed.query)
            }
        }
        let canAct = visit.user.map { $0.role >= .analyst } ?? false
        let users = canAct ? try await stored { () async throws(StoreError) in try await store.users() }.map(\.name) : []
        let count = ConsoleFormat.number(min(matched, Self.queueScan), language)
        let body = Body(
            filter: try await filterForm(filter, action: "/ui/findings", language: language),
            summary: partial
                ? (language == .vi
                    ? "Hơn \(count) phát hiện khớp bộ lọc; các nhóm dưới đây là của \(ConsoleFormat.number(Self.queueScan, language)) phát hiện mới nhất. Thu hẹp bộ lọc để xem đủ."
                    : "More than \(count) findings match the filter; the groups below are of the newest \(ConsoleFormat.number(Self.queueScan, language)). Narrow the filter to see them all.")
                : (language == .vi ? "\(count) phát hiện khớp bộ lọc." : "\(count) findings match the filter."),
            grouped: !filter.listsFindings, groups: groups, moreGroups: groups.count == Self.queueRows, findings: findings,
            moreFindings: findings.count == Self.queueRows, canAct: canAct, matched: matched > 0,
            actionScope: partial
                ? (language == .vi
                    ? "Thao tác áp dụng cho mọi phát hiện khớp bộ lọc (\(filter.described(language))); trang xác nhận cho biết chính xác bao nhiêu."
                    : "The action applies to every finding the filter matches (\(filter.described(language))); the confirmation says exactly how many.")
                : language == .vi
                    ? "Thao tác áp dụng cho tất cả \(count) phát hiện khớp bộ lọc (\(filter.described(language))), không chỉ những dòng đang hiện."
                    : "The action applies to all \(count) findings the filter matches (\(filter.described(language))), not only the rows shown.",
            hidden: filter.pairs.map { HiddenField(name: $0.0, value: $0.1) }, users: users)
        return page("findings", body, request: request, context: context, notice: Self.notice(query, language))
    }

    func filterForm(_ filter: QueueFilter, action: String, language: Language) async throws -> FilterForm {
        let systems = try await stored { () async throws(StoreError) in try await store.systems() }
        return FilterForm(
            action: action, host: filter["host"], rule: filter["rule"], since: filter["since"], text: filter["text"],
            systems: systems.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: $0.id == filter["system"]) },
            severities: Severity.allCases.reversed().map {
                Option(value: $0.rawValue, label: "≥ " + ConsoleFormat.severity($0, language), selected: $0.rawValue == filter["severity"])
            },
            statuses: FindingStatus.allCases.map {
                Option(value: $0.rawValue, label: ConsoleFormat.status($0, language), selected: $0.rawValue == filter["status"])
            })
    }

    /// What the last bulk action did, from the numbers its redirect carries (numbers only: a link
    /// cannot make the console say anything else).
    static func notice(_ query: Parameters, _ language: Language) -> String? {
        guard let changed = query.get("changed").flatMap(Int.init) else { return nil }
        let skipped = query.get("skipped").flatMap(Int.init) ?? 0
        let vi = language == .vi
        var text =
            vi
            ? "Đã áp dụng cho \(ConsoleFormat.number(changed, language)) phát hiện."
            : "Applied to \(ConsoleFormat.number(changed, language)) findings."
        if skipped > 0 {
            text +=
                vi
                ? " Bỏ qua \(ConsoleFormat.number(skipped, language)) phát hiện không áp dụng được."
                : " \(ConsoleFormat.number(skipped, language)) left as they were (the action does not apply to them)."
        }
        return text
    }
}
