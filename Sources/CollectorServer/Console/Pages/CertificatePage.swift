import CanhModel
import CollectorStore
import Hummingbird
import Rules

/// Every certificate the agents saw, across all hosts: expiry, issuer, key, the problems the
/// rules found with it (chain, name, key, signature, revocation), and every place it was seen.
extension Console {
    /// The windows the page offers, in days; 0 means every certificate.
    static let certificateWindows = [30, 90, 0]

    func addCertificateRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("certificates") { request, context in
            let language = context.visit.language
            let vi = language == .vi
            _ = try context.visit.user(atLeast: .viewer)
            let query = request.uri.queryParameters
            let within = try query.number("within", in: 0...3650) ?? 0
            let system = query.get("system").flatMap { $0.isEmpty ? nil : $0 }
            let time = now()
            let certificates = try await stored { () async throws(StoreError) in
                try await store.certificates(system: system, expiringBefore: within > 0 ? time + .days(Int64(within)) : nil)
            }
            // The open problems of each certificate: findings of the certificate rules, whose entity is its fingerprint.
            var problems: [String: [FindingState]] = [:]
            for rule in api.rulePack.rules where rule.id.hasPrefix("tls.cert.") {
                // By rule alone (its findings are one per certificate and host), the status checked here.
                let found = try await stored { () async throws(StoreError) in
                    try await store.findings(FindingFilter(system: system, rule: rule.id, limit: 100_000))
                }
                for finding in found where finding.status == .open || finding.status == .acknowledged {
                    problems[finding.entity, default: []].append(finding)
                }
            }
            struct Problem {
                var fingerprint: String
                var title: String
                var host: String
            }
            struct Place {
                var host: String
                var place: String
            }
            struct Row {
                var subject: String
                var names: String
                var fingerprintShort: String
                var issuer: String
                var notAfter: String
                var daysLeft: String
                var expiryKey: String
                var key: String
                var signature: String
                var problems: [Problem]
                var places: [Place]
            }
            struct Body {
                var systems: [Option]
                var windows: [Option]
                var summary: String
                var certificates: [Row]
            }
            let rows = certificates.prefix(Self.queueRows).map { certificate in
                let days = certificate.notAfter.since(time).wholeDays
                return Row(
                    subject: certificate.subject, names: certificate.names.joined(separator: ", "),
                    fingerprintShort: String(certificate.fingerprint.prefix(16)), issuer: certificate.issuer,
                    notAfter: ConsoleFormat.day(certificate.notAfter),
                    daysLeft: certificate.notAfter <= time
                        ? (vi ? "đã hết hạn" : "expired") : (vi ? "còn \(days) ngày" : "\(days) days left"),
                    expiryKey: certificate.notAfter <= time ? "expired" : (days < 30 ? "soon" : "valid"), key: certificate.key,
                    signature: certificate.signature,
                    problems: (problems[certificate.fingerprint] ?? []).map {
                        Problem(fingerprint: $0.fingerprint, title: $0.title[language], host: $0.host)
                    },
                    places: certificate.places.map { Place(host: $0.host, place: $0.place) })
            }
            let systems = try await stored { () async throws(StoreError) in try await store.systems() }
            let count = ConsoleFormat.number(certificates.count, language)
            let body = Body(
                systems: systems.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: $0.id == system) },
                windows: Self.certificateWindows.map { days in
                    Option(
                        value: String(days),
                        label: days == 0 ? (vi ? "mọi chứng thư" : "every certificate") : (vi ? "\(days) ngày" : "\(days) days"),
                        selected: days == within)
                },
                summary: (vi ? "\(count) chứng thư số" : "\(count) certificates")
                    + (certificates.count > Self.queueRows
                        ? (vi ? "; hiện \(Self.queueRows) đầu tiên." : "; the first \(Self.queueRows) shown.") : "."),
                certificates: Array(rows))
            return page("certificates", body, request: request, context: context)
        }
    }
}
