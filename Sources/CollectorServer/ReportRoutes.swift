import CanhModel
import CollectorStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Reports
import Rules

/// The reports the collector writes (SPEC §7).
enum ReportKind: String, CaseIterable, Sendable {
    case compliance, coverage, annual
}

extension CollectorAPI {
    func addReportRoutes(to api: RouterGroup<CollectorContext>) {
        for kind in ReportKind.allCases {
            api.get("reports/\(kind.rawValue)") { request, context -> Response in
                _ = try context.user(atLeast: .viewer)
                return try await report(kind, query: request.uri.queryParameters)
            }
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
            return try Response.json(try await attest(body, system: id, by: user), status: .created)
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

    /// A report as the API and the console serve it: `?format=`, `?lang=`, and per kind
    /// `?period=` and `?system=` (compliance), `?period=` (coverage), `?year=` and `?owner=`
    /// (annual); `?digest=` renders an evaluation made earlier instead of a new one.
    func report(_ kind: ReportKind, query: Parameters) async throws -> Response {
        let (format, language) = try Self.presentation(of: query)
        switch kind {
        case .compliance:
            let period = try self.period(in: query)
            let system = query.get("system")
            let sealed = try await evaluation(
                query, wrap: ReportCache.Entry.compliance,
                unwrap: { entry in if case .compliance(let sealed) = entry { sealed } else { nil } }
            ) { try await complianceReport(system: system, period: period) }
            let bytes = try await Self.rendered { () throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
            return Self.response(
                bytes, format: format, digest: sealed.digest, name: "canh-compliance-\(system ?? "all")-\(sealed.data.period.label)")
        case .coverage:
            let period = try self.period(in: query)
            let sealed = try await evaluation(
                query, wrap: ReportCache.Entry.coverage, unwrap: { entry in if case .coverage(let sealed) = entry { sealed } else { nil } }
            ) { try await coverageReport(period: period) }
            let bytes = try await Self.rendered { () throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
            return Self.response(bytes, format: format, digest: sealed.digest, name: "canh-coverage")
        case .annual:
            guard let year = try query.number("year", in: AnnualEvaluation.years) else {
                throw HTTPError(.badRequest, message: "year: the reporting year, e.g. 2026 (data from 15/12 of the year before to 14/12)")
            }
            let owner = query.get("owner")
            if let owner, owner.containsControlCharacter || owner.count > 512 {
                throw HTTPError(.badRequest, message: "owner: at most 512 characters and no control characters")
            }
            let sealed = try await evaluation(
                query, wrap: ReportCache.Entry.annual, unwrap: { entry in if case .annual(let sealed) = entry { sealed } else { nil } }
            ) { try await annualReport(year: year, owner: owner) }
            let bytes = try await Self.rendered { () throws(ReportError) in
                try ReportRenderer.render(sealed, format: format, language: language)
            }
            return Self.response(bytes, format: format, digest: sealed.digest, name: "canh-annual-\(year)")
        }
    }

    /// Records that a person attests a manual requirement of a system, as the API and the
    /// console take it: checked against the catalogue and the system's level, audited.
    func attest(_ body: APIMessages.AttestationRequest, system id: String, by user: User) async throws -> Attestation {
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
        try await audit(.user(user), "attestation.add", "\(id)/\(body.requirement)", "until \(attestation.expiresAt)")
        return attestation
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
        ComplianceEvaluation(pack: rulePack, period: period, now: now(), guidance: guides.guidance(for:)).report(
            scope: system, systems: try await systemFacts(system: system))
    }

    func annualReport(year: Int, owner: String?) async throws -> AnnualReport {
        let facts = try await systemFacts(system: nil)
        if let owner, !facts.contains(where: { $0.system.owner == owner }) {
            throw HTTPError(.notFound, message: "owner: no system of the inventory has the owner \"\(owner.prefix(200))\"")
        }
        let evaluation = AnnualEvaluation(pack: rulePack, year: year, now: now())
        return evaluation.report(owner: owner, systems: facts, monitoring: try await monitoringFacts(period: evaluation.period))
    }

    /// What the store observed of reporting and alerting over `period`.
    func monitoringFacts(period: ReportPeriod) async throws -> MonitoringFacts {
        let empty = MonitoringFacts(period: period, reportingDays: [:], sentBySystem: [:], deadBySystem: [:], sent: 0)
        let days = empty.days(now: now())
        let reporting = try await stored { () async throws(StoreError) in
            try await store.reportingDays(from: days.lowerBound, through: days.upperBound)
        }
        let delivery = try await stored { () async throws(StoreError) in
            try await store.alertDelivery(from: period.start, until: period.end)
        }
        return MonitoringFacts(
            period: period, reportingDays: reporting, sentBySystem: delivery.sentBySystem, deadBySystem: delivery.deadBySystem,
            sent: delivery.sent)
    }

    /// `?period=`, or the current half-year.
    private func period(in query: Parameters) throws -> ReportPeriod {
        guard let text = query.get("period") else { return ReportPeriod.halfYear(containing: now()) }
        do throws(ReportPeriod.ParseError) {
            return try ReportPeriod(parsing: text)
        } catch {
            throw HTTPError(.badRequest, message: error.description)
        }
    }

    /// What the store holds about one system, or every system.
    private func systemFacts(system: String?) async throws -> [ComplianceEvaluation.SystemFacts] {
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
        return facts
    }

    func coverageReport(period: ReportPeriod) async throws -> CoverageReport {
        let systems = try await stored { () async throws(StoreError) in try await store.systems() }
        let hosts = try await currentHosts(system: nil)
        let certificates = try await stored { () async throws(StoreError) in try await store.certificates(system: nil, expiringBefore: nil)
        }
        return CoverageEvaluation(now: now(), rulesVersion: rulePack.version).report(
            systems: systems, hosts: hosts, certificates: certificates, monitoring: try await monitoringFacts(period: period))
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

    /// The evaluation named by `?digest=` (one made earlier, in any format), else a new one,
    /// remembered for the formats asked for next.
    private func evaluation<Data: ReportData>(
        _ query: Parameters, wrap: (SealedReport<Data>) -> ReportCache.Entry, unwrap: (ReportCache.Entry) -> SealedReport<Data>?,
        evaluate: () async throws -> Data
    ) async throws -> SealedReport<Data> {
        if let digest = try Self.digest(in: query) {
            guard let sealed = await reports.entry(digest: digest).flatMap(unwrap) else { throw Self.forgotten(digest) }
            return sealed
        }
        let sealed = try SealedReport(try await evaluate())
        await reports.remember(wrap(sealed), digest: sealed.digest)
        return sealed
    }

    /// `?digest=`: render an evaluation already made instead of a new one.
    private static func digest(in query: Parameters) throws -> String? {
        guard let digest = query.get("digest") else { return nil }
        guard digest.count == 64, digest.utf8.allSatisfy({ $0.isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else {
            throw HTTPError(.badRequest, message: "digest: the 64 hexadecimal digits a report of this collector carries")
        }
        return digest
    }

    private static func forgotten(_ digest: String) -> HTTPError {
        HTTPError(
            .notFound,
            message: "digest: no recent evaluation of this report has the digest \(digest); ask without digest for a new one")
    }

    /// Every report answer names the digest of its data in `X-Canh-Digest`, whatever the format.
    private static func response(_ bytes: [UInt8], format: ReportFormat, digest: String, name: String) -> Response {
        var headers: HTTPFields = [
            .contentType: format.contentType, .contentDisposition: "inline; filename=\"\(name).\(format.rawValue)\"",
        ]
        if let digestHeader = HTTPField.Name("X-Canh-Digest") { headers[digestHeader] = digest }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
