import Alerts
import CanhModel
import CollectorStore
import Hummingbird

/// The alert outbox: messages waiting, held back by throttling (suppressed), given up on (dead)
/// and sent; dead ones sent again by an analyst.
extension Console {
    func addAlertRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("alerts") { request, context in
            let language = context.visit.language
            let user = try context.visit.user(atLeast: .viewer)
            let state = try request.uri.queryParameters.choice("state", as: QueuedAlert.State.self) ?? .pending
            let counts = try await stored { () async throws(StoreError) in try await store.alertCounts() }
            let alerts = try await stored { () async throws(StoreError) in try await store.queuedAlerts(state: state, limit: 500) }
            struct Row {
                var id: Int64
                var channel: String
                var state: String
                var stateKey: String
                var about: String
                var findingHref: String?
                var attempts: Int
                var lastError: String
                var queued: String
                var retryable: Bool
            }
            struct Tab {
                var value: String
                var label: String
                var count: String
                var selected: Bool
            }
            struct Body {
                var states: [Tab]
                var canRetry: Bool
                var dead: Bool
                var alerts: [Row]
            }
            let rows = alerts.map { alert in
                let message = alert.message
                var about = "\(message.system.id) · \(message.rule) · \(ConsoleFormat.severity(message.severity, language))"
                if let host = message.host { about += " · \(host)" }
                if let digest = message.digest { about += " · \(digest.count)×" }
                return Row(
                    id: alert.id, channel: alert.channel, state: Self.alertState(alert.state, language), stateKey: alert.state.rawValue,
                    about: about, findingHref: message.finding.map { "/ui/findings/\($0.fingerprint)" }, attempts: alert.attempts,
                    lastError: alert.lastError ?? "", queued: ConsoleFormat.time(alert.createdAt), retryable: alert.state == .dead)
            }
            let body = Body(
                states: [QueuedAlert.State.pending, .suppressed, .dead, .sent].map {
                    Tab(
                        value: $0.rawValue, label: Self.alertState($0, language), count: ConsoleFormat.number(counts[$0] ?? 0, language),
                        selected: $0 == state)
                },
                canRetry: user.role >= .analyst, dead: state == .dead && !alerts.isEmpty, alerts: rows)
            let retried = request.uri.queryParameters.get("retried").flatMap(Int.init).map { count in
                language == .vi ? "Đã đưa \(count) cảnh báo trở lại hàng đợi gửi." : "\(count) alerts queued to be sent again."
            }
            return page("alerts", body, request: request, context: context, notice: retried)
        }
        group.post("alerts/retry") { _, context in
            let visit = context.visit
            let user = try visit.user(atLeast: .analyst)
            var ids: [Int64] = []
            if let text = visit.form["id"] {
                guard let id = Int64(text), id > 0 else { throw HTTPError(.badRequest, message: "id: a message number") }
                ids = [id]
            }
            let retried = try await stored { () async throws(StoreError) in try await store.retryAlerts(ids: ids, at: now()) }
            try await api.audit(
                .user(user), "alerts.retry", ids.isEmpty ? "all dead" : ids.map(String.init).joined(separator: ","), "\(retried) retried")
            return Self.redirect(to: "/ui/alerts?state=pending&retried=\(retried)")
        }
    }

    static func alertState(_ state: QueuedAlert.State, _ language: Language) -> String {
        switch (state, language) {
        case (.pending, .vi): "Đang chờ gửi"
        case (.sent, .vi): "Đã gửi"
        case (.dead, .vi): "Không gửi được"
        case (.suppressed, .vi): "Đang gom (giới hạn tần suất)"
        case (.digested, .vi): "Đã gộp vào bản tổng hợp"
        case (.pending, .en): "Pending"
        case (.sent, .en): "Sent"
        case (.dead, .en): "Dead"
        case (.suppressed, .en): "Suppressed (throttled)"
        case (.digested, .en): "In a digest"
        }
    }
}
