public import Alerts
import CanhModel
import CollectorStore
public import Hummingbird

extension QueuedAlert: ResponseEncodable {}
extension AlertRetryReply: ResponseEncodable {}

extension CollectorAPI {
    /// The alert outbox: what was sent, what waits, and the dead-letter list people retry.
    func addAlertRoutes(to api: RouterGroup<CollectorContext>) {
        api.get("alerts") { request, context -> [QueuedAlert] in
            _ = try context.user(atLeast: .viewer)
            let query = request.uri.queryParameters
            let state = try query.choice("state", as: QueuedAlert.State.self)
            let limit = try query.number("limit", in: 1...10_000) ?? 100
            return try await stored { () async throws(StoreError) in try await store.queuedAlerts(state: state, limit: limit) }
        }
        api.post("alerts/retry") { request, context -> AlertRetryReply in
            _ = try context.user(atLeast: .analyst)
            let body = try await RequestBody.decode(AlertRetryRequest.self, from: request, context: context)
            let retried = try await stored { () async throws(StoreError) in try await store.retryAlerts(ids: body.ids, at: now()) }
            try await audit(
                context.caller, "alerts.retry", body.ids.isEmpty ? "all dead" : body.ids.map(String.init).joined(separator: ","),
                "\(retried) retried")
            return AlertRetryReply(retried: retried)
        }
    }
}
