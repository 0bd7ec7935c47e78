import CanhModel
import CollectorStore
import Foundation
import Hummingbird

/// The inventory: every system with its hosts and open findings, and one system's hosts.
extension Console {
    func addSystemRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("systems") { request, context in
            let language = context.visit.language
            _ = try context.visit.user(atLeast: .viewer)
            struct Row {
                var id: String
                var name: String
                var owner: String
                var level: Int
                var dossier: String
                var hosts: Int
                var silent: Int
                var open: String
            }
            let systems = try await stored { () async throws(StoreError) in try await store.systems() }
            let hosts = Dictionary(grouping: try await api.currentHosts(system: nil).filter { $0.status != .revoked }, by: \.system)
            let open = try await stored { () async throws(StoreError) in try await store.openFindingsBySystem() }
            let rows = systems.map { system in
                Row(
                    id: system.id, name: system.name, owner: system.owner, level: system.level.rawValue,
                    dossier: Self.dossier(system.dossier, language), hosts: hosts[system.id]?.count ?? 0,
                    silent: hosts[system.id]?.count { $0.status == .stale } ?? 0, open: ConsoleFormat.number(open[system.id] ?? 0, language)
                )
            }
            struct Body { var systems: [Row] }
            return page("systems", Body(systems: rows), request: request, context: context)
        }
        group.get("systems/:id") { request, context in
            let language = context.visit.language
            _ = try context.visit.user(atLeast: .viewer)
            let id = try context.parameters.require("id")
            guard let system = try await stored({ () async throws(StoreError) in try await store.system(id: id) }) else {
                throw HTTPError(.notFound, message: language == .vi ? "Không có hệ thống \(id)." : "No system \(id).")
            }
            struct HostRow {
                var hostname: String
                var agentID: String
                var status: String
                var statusKey: String
                var agentVersion: String
                var rulesVersion: String
                var lastSeen: String
                var enrolled: String
            }
            struct Body {
                var id: String
                var name: String
                var owner: String
                var level: Int
                var dossier: String
                var open: String
                var hosts: [HostRow]
            }
            let hosts = try await api.currentHosts(system: id).sorted { $0.hostname < $1.hostname }
            let open = try await stored { () async throws(StoreError) in
                try await store.countFindings(FindingFilter(system: id, status: .open))
            }
            let body = Body(
                id: system.id, name: system.name, owner: system.owner, level: system.level.rawValue,
                dossier: Self.dossier(system.dossier, language), open: ConsoleFormat.number(open, language),
                hosts: hosts.map { host in
                    HostRow(
                        hostname: host.hostname, agentID: host.agentID, status: ConsoleFormat.hostStatus(host.status, language),
                        statusKey: host.status.rawValue, agentVersion: host.agentVersion ?? "—", rulesVersion: host.rulesVersion ?? "—",
                        lastSeen: host.lastSeen.map(ConsoleFormat.time) ?? "—", enrolled: ConsoleFormat.time(host.enrolledAt))
                })
            return page("system", body, request: request, context: context)
        }
    }

    static func dossier(_ status: DossierStatus, _ language: Language) -> String {
        switch (status, language) {
        case (.none, .vi): "Chưa lập"
        case (.drafting, .vi): "Đang xây dựng"
        case (.submitted, .vi): "Đã trình"
        case (.appraised, .vi): "Đã thẩm định"
        case (.approved, .vi): "Đã phê duyệt"
        case (_, .en): status.rawValue.capitalized
        }
    }
}
