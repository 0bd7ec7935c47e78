import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import NIOCore
import Reports

/// The first page: systems by level, open findings by severity, silent hosts, certificates
/// expiring within 30 days, indicators 19 and 20 of the current half-year.
extension Console {
    func addOverviewRoutes(to group: RouterGroup<CollectorContext>) {
        group.get { request, context in
            try await overview(request: request, context: context)
        }
        group.get("live") { _, context in
            _ = try context.visit.user(atLeast: .viewer)
            var counts: [String: Int] = [:]
            let open = try await stored { () async throws(StoreError) in try await store.openFindingsBySeverity() }
            for severity in Severity.allCases { counts["open-\(severity.rawValue)"] = open[severity] ?? 0 }
            counts["silent"] = try await api.currentHosts(system: nil).count { $0.status == .stale }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(counts))))
        }
    }

    private func overview(request: Request, context: CollectorContext) async throws -> Response {
        let language = context.visit.language
        _ = try context.visit.user(atLeast: .viewer)
        struct LevelRow {
            var level: Int
            var systems: Int
            var hosts: Int
        }
        struct SeverityRow {
            var key: String
            var label: String
            var count: String
        }
        struct SilentHost {
            var hostname: String
            var system: String
            var lastSeen: String
        }
        struct ExpiringCertificate {
            var subject: String
            var notAfter: String
        }
        struct IndicatorRow {
            var label: String
            var met: Int
            var total: Int
        }
        struct Body {
            var levels: [LevelRow]
            var severities: [SeverityRow]
            var silentHosts: Int
            var totalHosts: Int
            var silent: [SilentHost]
            var expiringCertificates: Int
            var expiring: [ExpiringCertificate]
            var indicatorPeriod: String
            var indicators: [IndicatorRow]
        }
        let systems = try await stored { () async throws(StoreError) in try await store.systems() }
        let hosts = try await api.currentHosts(system: nil).filter { $0.status != .revoked }
        let hostsBySystem = Dictionary(grouping: hosts, by: \.system)
        let open = try await stored { () async throws(StoreError) in try await store.openFindingsBySeverity() }
        let time = now()
        let expiring = try await stored { () async throws(StoreError) in
            try await store.certificates(system: nil, expiringBefore: time + .days(30))
        }
        let levels = Level.all.map { level in
            let chosen = systems.filter { $0.level == level }
            return LevelRow(
                level: level.rawValue, systems: chosen.count, hosts: chosen.reduce(0) { $0 + (hostsBySystem[$1.id]?.count ?? 0) })
        }
        let silent = hosts.filter { $0.status == .stale }.sorted { ($0.lastSeen ?? $0.enrolledAt) < ($1.lastSeen ?? $1.enrolledAt) }
        let indicators = try await indicatorCounts()
        let vi = language == .vi
        let body = Body(
            levels: levels,
            severities: Severity.allCases.reversed().map {
                SeverityRow(
                    key: $0.rawValue, label: ConsoleFormat.severity($0, language), count: ConsoleFormat.number(open[$0] ?? 0, language))
            },
            silentHosts: silent.count, totalHosts: hosts.count,
            silent: silent.prefix(10).map {
                SilentHost(hostname: $0.hostname, system: $0.system, lastSeen: $0.lastSeen.map(ConsoleFormat.time) ?? "—")
            },
            expiringCertificates: expiring.count,
            expiring: expiring.prefix(10).map { ExpiringCertificate(subject: $0.subject, notAfter: ConsoleFormat.day($0.notAfter)) },
            indicatorPeriod: indicators.period,
            indicators: [
                IndicatorRow(
                    label: vi
                        ? "19 — Phê duyệt cấp độ trước khi đưa vào sử dụng, triển khai đủ phương án"
                        : "19 — Level approved before use, plan fully in place",
                    met: indicators.met19, total: indicators.total),
                IndicatorRow(
                    label: vi ? "20 — Giám sát, cảnh báo liên tục" : "20 — Monitored and alerted continuously", met: indicators.met20,
                    total: indicators.total),
            ])
        return page("overview", body, request: request, context: context)
    }

    /// Indicators 19 and 20 over the current half-year, as the coverage report counts them.
    private func indicatorCounts() async throws -> (period: String, met19: Int, met20: Int, total: Int) {
        let period = ReportPeriod.halfYear(containing: now())
        let facts = try await api.monitoringFacts(period: period)
        let systems = try await stored { () async throws(StoreError) in try await store.systems() }
        let hosts = Dictionary(grouping: try await api.currentHosts(system: nil), by: \.system)
        let indicators = systems.map { PlanIndicators(system: $0, hosts: hosts[$0.id] ?? [], facts: facts, now: now()) }
        return (period.label, indicators.count(where: \.indicator19), indicators.count(where: \.indicator20), systems.count)
    }
}
