import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Reports
import Rules

extension CollectorAPI {
    func addReportRoutes(to api: RouterGroup<CollectorContext>) {
        api.get("reports/compliance") { request, context -> Response in
            _ = try context.user(atLeast: .viewer)
            let query = request.uri.queryParameters
            let (format, language) = try Self.presentation(of: query)
            var period = ReportPeriod.halfYear(containing: now())
            if let text = query.get("period") {
                do throws(ReportPeriod.ParseError) {
                    period = try ReportPeriod(parsing: text)
                } catch {
                    throw HTTPError(.badRequest, message: error.description)
                }
            }
            let system = query.get("system")
            let report = try await complianceReport(system: system, period: period)
            let bytes = try await Self.rendered { () throws(ReportError) in
                try ReportRenderer.render(report, format: format, language: language)
            }
            return Self.response(bytes, format: format, name: "canh-compliance-\(system ?? "all")-\(period.label)")
        }
        api.get("reports/coverage") { request, context -> Response in
            _ = try context.user(atLeast: .viewer)
            let (format, language) = try Self.presentation(of: request.uri.queryParameters)
            let report = try await coverageReport()
            let bytes = try await Self.rendered { () throws(ReportError) in
                try ReportRenderer.render(report, format: format, language: language)
            }
            return Self.response(bytes, format: format, name: "canh-coverage")
        }
        api.get("systems/:id/attestations") { _, context -> [Attestation] in
            _ = try context.user(atLeast: .viewer)
            let id = try context.parameters.require("id")
            return try await stored { () async throws(StoreError) in try await store.attestations(system: id) }
        }
        api.post("systems/:id/attestations") { request, context -> Response in
            let user = try context.user(atLeast: .analyst)
            let id = try context.parameters.require("id")
            let body = try await RequestBody.decode(APIMessages.AttestationRequest.self, from: request, context: context)
            guard let system = try await stored({ () async throws(StoreError) in try await store.system(id: id) }) else {
                throw HTTPError(.notFound, message: "not found: system \(id)")
            }
            try validate(body, for: system)
            let time = now()
            let attestation = Attestation(
                system: id, requirement: body.requirement, evidence: body.evidence, attestedBy: "user:\(user.name)", attestedAt: time,
                expiresAt: body.expiresAt ?? time + .days(365))
            guard attestation.expiresAt > time else { throw HTTPError(.badRequest, message: "expires_at: must be in the future") }
            guard attestation.expiresAt <= time + InputLimits.longestAcceptance else {
                throw HTTPError(.badRequest, message: "expires_at: at most three years from now; attest again then")
            }
            try await stored { () async throws(StoreError) in try await store.addAttestation(attestation) }
            try await audit(context.caller, "attestation.add", "\(id)/\(body.requirement)", "until \(attestation.expiresAt)")
            return try Response.json(attestation, status: .created)
        }
        api.delete("systems/:id/attestations/:requirement") { _, context -> HTTPResponse.Status in
            _ = try context.user(atLeast: .analyst)
            let id = try context.parameters.require("id")
            let requirement = try context.parameters.require("requirement")
            let withdrawn = try await stored { () async throws(StoreError) in
                try await store.withdrawAttestations(system: id, requirement: requirement)
            }
            guard withdrawn > 0 else { throw HTTPError(.notFound, message: "not found: attestation of \(requirement) for system \(id)") }
            try await audit(context.caller, "attestation.withdraw", "\(id)/\(requirement)", "\(withdrawn) attestation(s)")
            return .noContent
        }
    }

    /// Only manual requirements of the catalogue that apply at the system's level are attested:
    /// the automated ones are shown by the checks.
    private func validate(_ body: APIMessages.AttestationRequest, for system: InformationSystem) throws {
        guard let requirement = rulePack.requirements[body.requirement] else {
            throw HTTPError(.badRequest, message: "requirement: \(body.requirement) is not in the requirement catalogue")
        }
        guard requirement.check == .manual else {
            throw HTTPError(
                .badRequest, message: "requirement: \(body.requirement) is checked automatically by rules; only manual ones are attested")
        }
        guard requirement.levels.contains(system.level) else {
            throw HTTPError(
                .badRequest, message: "requirement: \(body.requirement) does not apply at level \(system.level) of \(system.id)")
        }
        guard !body.evidence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, body.evidence.count <= 4000 else {
            throw HTTPError(
                .badRequest, message: "evidence: say what shows it (a document, a decision, a procedure), at most 4,000 characters")
        }
    }

    func complianceReport(system: String?, period: ReportPeriod) async throws -> ComplianceReport {
        let systems: [InformationSystem]
        if let system {
            guard let found = try await stored({ () async throws(StoreError) in try await store.system(id: system) }) else {
                throw HTTPError(.notFound, message: "not found: system \(system)")
            }
            systems = [found]
        } else {
            systems = try await stored { () async throws(StoreError) in try await store.systems() }
        }
        let hosts = Dictionary(grouping: try await currentHosts(system: system), by: \.system)
        let findings = Dictionary(
            grouping: try await stored { () async throws(StoreError) in
                try await store.findings(FindingFilter(system: system, limit: Int.max))
            }, by: \.system)
        let attestations = Dictionary(
            grouping: try await stored { () async throws(StoreError) in try await store.attestations(system: system) }, by: \.system)
        var facts: [ComplianceEvaluation.SystemFacts] = []
        for entry in systems {
            let certificates = try await stored { () async throws(StoreError) in
                try await store.certificates(system: entry.id, expiringBefore: nil)
            }
            facts.append(
                .init(
                    system: entry, hosts: hosts[entry.id] ?? [], findings: findings[entry.id] ?? [],
                    attestations: attestations[entry.id] ?? [], certificates: certificates))
        }
        return ComplianceEvaluation(pack: rulePack, period: period, now: now()).report(scope: system, systems: facts)
    }

    func coverageReport() async throws -> CoverageReport {
        let systems = try await stored { () async throws(StoreError) in try await store.systems() }
        let hosts = try await currentHosts(system: nil)
        let certificates = try await stored { () async throws(StoreError) in try await store.certificates(system: nil, expiringBefore: nil)
        }
        return CoverageEvaluation(now: now(), rulesVersion: rulePack.version).report(
            systems: systems, hosts: hosts, certificates: certificates)
    }

    private static func presentation(of query: Parameters) throws -> (ReportFormat, Language) {
        (try query.choice("format", as: ReportFormat.self) ?? .json, try query.choice("lang", as: Language.self) ?? .vi)
    }

    /// Renders off the request's executor: a report of a whole province is seconds of work, and a
    /// PDF waits for Chromium.
    private static func rendered(_ body: @escaping @Sendable () throws(ReportError) -> [UInt8]) async throws
        -> [UInt8]
    {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try body() }
        } catch let error as ReportError {
            switch error {
            case .rendererMissing(let message): throw HTTPError(.notImplemented, message: message)
            case .rendererFailed(let message), .encoding(let message): throw HTTPError(.internalServerError, message: message)
            }
        }
    }

    private static func response(_ bytes: [UInt8], format: ReportFormat, name: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: format.contentType, .contentDisposition: "inline; filename=\"\(name).\(format.rawValue)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
