import CanhModel
import CollectorStore
import Hummingbird

/// The audit log, newest first: for administrators only, as in the API.
extension Console {
    func addAuditRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("audit") { request, context in
            let language = context.visit.language
            _ = try context.visit.user(atLeast: .admin)
            let limit = try request.uri.queryParameters.number("limit", in: 1...10_000) ?? 500
            let entries = try await stored { () async throws(StoreError) in try await store.auditLog(limit: limit) }
            struct Row {
                var at: String
                var actor: String
                var action: String
                var target: String
                var detail: String
            }
            struct Body {
                var summary: String
                var entries: [Row]
            }
            let body = Body(
                summary: language == .vi ? "\(entries.count) mục mới nhất." : "The newest \(entries.count) entries.",
                entries: entries.map {
                    Row(at: ConsoleFormat.time($0.at), actor: $0.actor, action: $0.action, target: $0.target, detail: $0.detail ?? "")
                })
            return page("audit", body, request: request, context: context)
        }
    }
}
