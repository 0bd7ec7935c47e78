import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import Reports

/// One action on every finding a filter matches: first a page that says how many and asks to
/// confirm, then the change in one transaction, refused if the count moved in between.
extension Console {
    func bulk(request: Request, context: CollectorContext) async throws -> Response {
        let visit = context.visit
        let language = visit.language
        let vi = language == .vi
        let user = try visit.user(atLeast: .analyst)
        let form = visit.form
        let filter = QueueFilter { form[$0] }
        let storeFilter = try filter.findingFilter(limit: Int.max, language: language)
        let action = try bulkAction(form, language: language)
        let back = filter.values["fingerprint"].map { "/ui/findings/\($0)" } ?? "/ui/findings?" + filter.query
        let matched = try await stored { () async throws(StoreError) in try await store.countFindings(storeFilter) }

        guard form["confirm"] == "yes", let expected = form["expected"].flatMap(Int.init) else {
            struct Body {
                var question: String
                var details: [String]
                var hidden: [HiddenField]
                var matched: String
                var back: String
            }
            let count = ConsoleFormat.number(matched, language)
            var details = [(vi ? "Bộ lọc: " : "Filter: ") + filter.described(language)]
            switch action {
            case .status(_, let reason, let until):
                details.append((vi ? "Lý do: " : "Reason: ") + reason)
                if let until { details.append((vi ? "Ngoại lệ đến: " : "Excepted until: ") + ConsoleFormat.time(until)) }
            case .assign(let name): details.append((vi ? "Giao cho: " : "Assign to: ") + (name ?? (vi ? "(không ai)" : "(nobody)")))
            case .comment(let text): details.append((vi ? "Bình luận: " : "Comment: ") + text)
            }
            var hidden = filter.pairs.map { HiddenField(name: $0.0, value: $0.1) }
            for name in ["action", "reason", "until", "assignee"] {
                if let value = form[name], !value.isEmpty { hidden.append(HiddenField(name: name, value: value)) }
            }
            hidden.append(HiddenField(name: "expected", value: String(matched)))
            let body = Body(
                question: "\(Self.actionName(action, language)) — \(count) \(vi ? "phát hiện" : "findings")?", details: details,
                hidden: hidden, matched: count, back: back)
            return page("confirm", body, request: request, context: context)
        }
        let summary = try await stored { () async throws(StoreError) in
            try await store.changeFindings(storeFilter, expected: expected, action: action, actor: "user:\(user.name)", at: now())
        }
        let skipped = summary.skipped.values.reduce(0, +)
        let separator = back.contains("?") ? "&" : "?"
        return Self.redirect(to: back + (back.hasSuffix("?") ? "" : separator) + "changed=\(summary.changed)&skipped=\(skipped)")
    }

    private func bulkAction(_ form: [String: String], language: Language) throws -> BulkFindingAction {
        let vi = language == .vi
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= 4000, !reason.contains(where: { $0.isControlCharacterOtherThanNewline }) else {
            throw HTTPError(
                .badRequest,
                message: vi
                    ? "reason: tối đa 4.000 ký tự, không có ký tự điều khiển" : "reason: at most 4,000 characters and no control characters"
            )
        }
        func needReason() throws {
            guard !reason.isEmpty else {
                throw HTTPError(.badRequest, message: vi ? "reason: hãy ghi lý do" : "reason: say why")
            }
        }
        switch form["action"] ?? "" {
        case "acknowledge":
            try needReason()
            return .status(.acknowledged, reason: reason, until: nil)
        case "resolve":
            try needReason()
            return .status(.resolved, reason: reason, until: nil)
        case "except":
            try needReason()
            guard let text = form["until"], let day = LocalDate(iso: text) else {
                throw HTTPError(
                    .badRequest,
                    message: vi ? "until: ngoại lệ cần ngày kết thúc (YYYY-MM-DD)" : "until: an exception needs an end date (YYYY-MM-DD)")
            }
            // To the end of that day in Vietnam.
            return .status(.excepted, reason: reason, until: LocalDate(daysSinceEpoch: day.daysSinceEpoch + 1).startInVietnam)
        case "assign":
            let name = form["assignee"].flatMap { $0.isEmpty ? nil : $0 }
            return .assign(name)
        case "comment":
            try needReason()
            return .comment(reason)
        default:
            throw HTTPError(
                .badRequest,
                message: vi
                    ? "action: chọn ghi nhận, khắc phục, ngoại lệ, giao việc hoặc bình luận"
                    : "action: acknowledge, resolve, except, assign or comment")
        }
    }

    private static func actionName(_ action: BulkFindingAction, _ language: Language) -> String {
        let words = ConsoleWords.table(language)
        switch action {
        case .status(.acknowledged, _, _): return words["acknowledge"] ?? ""
        case .status(.resolved, _, _): return words["resolve"] ?? ""
        case .status(_, _, _): return words["except"] ?? ""
        case .assign: return words["assign"] ?? ""
        case .comment: return words["comment"] ?? ""
        }
    }
}

extension Character {
    /// A control character that is not a line break: comments may span lines.
    var isControlCharacterOtherThanNewline: Bool {
        !isNewline && unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
