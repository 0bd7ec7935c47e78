import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import Reports
import Rules

/// Requirements × systems at their levels, each cell where the requirement stands for the system
/// in the current half-year and a link to what shows it; a manual requirement is attested from
/// its cell's page.
extension Console {
    /// Systems per page of the matrix: as many columns as a 1366-pixel screen shows beside the
    /// requirements, and as many as are evaluated within the page's time on two cores.
    static let matrixColumns = 6

    func addComplianceRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("compliance") { request, context in try await matrix(request: request, context: context) }
        group.get("compliance/:system/:requirement") { request, context in
            try await requirementPage(request: request, context: context)
        }
        group.post("compliance/:system/:requirement/attest") { _, context in
            let visit = context.visit
            let user = try visit.user(atLeast: .analyst)
            let system = try context.parameters.require("system")
            let requirement = try context.parameters.require("requirement")
            var expiresAt: Timestamp?
            if let text = visit.form["until"], !text.isEmpty {
                guard let day = LocalDate(iso: text) else { throw HTTPError(.badRequest, message: "until: a date, YYYY-MM-DD") }
                expiresAt = LocalDate(daysSinceEpoch: day.daysSinceEpoch + 1).startInVietnam
            }
            let evidence = (visit.form["evidence"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !evidence.contains(where: \.isControlCharacterOtherThanNewline) else {
                throw HTTPError(.badRequest, message: "evidence: no control characters")
            }
            _ = try await api.attest(
                APIMessages.AttestationRequest(requirement: requirement, evidence: evidence, expiresAt: expiresAt), system: system, by: user
            )
            return Self.redirect(to: "/ui/compliance/\(ConsoleQuery.encode(system))/\(ConsoleQuery.encode(requirement))")
        }
    }

    /// Where a requirement stands, as the matrix colours it: an attested manual requirement and one
    /// still waiting for its attestation are told apart from automated ones.
    private static func cellKey(_ entry: RequirementCompliance) -> String {
        switch entry.status {
        case .pass: "pass"
        case .fail: "fail"
        case .manual: "attested"
        case .notEvaluated: entry.check == Requirement.Check.manual.rawValue && entry.inventoryEvidence == nil ? "manual" : "not-evaluated"
        }
    }

    /// The reports' words for what they also say; the two states of a manual requirement are
    /// the matrix's own.
    private static func cellLabel(_ key: String, _ language: Language) -> String {
        let vi = language == .vi
        let words = ReportStrings.of(language)
        return switch key {
        case "pass": words.statusName(.pass)
        case "fail": words.statusName(.fail)
        case "attested": vi ? "Đã xác nhận" : "Attested"
        case "manual": vi ? "Cần xác nhận" : "Manual"
        default: words.statusName(.notEvaluated)
        }
    }

    private func matrix(request: Request, context: CollectorContext) async throws -> Response {
        let language = context.visit.language
        let vi = language == .vi
        _ = try context.visit.user(atLeast: .viewer)
        let query = request.uri.queryParameters
        let owner = query.get("owner").flatMap { $0.isEmpty ? nil : $0 }
        let level = try query.number("level", in: 1...5)
        let only = query.get("system").flatMap { $0.isEmpty ? nil : $0 }
        let all = try await stored { () async throws(StoreError) in try await store.systems() }.sorted { $0.id < $1.id }
        let chosen = all.filter { system in
            (owner == nil || system.owner == owner) && (level == nil || system.level.rawValue == level)
                && (only == nil || system.id == only)
        }
        let pageCount = max(1, (chosen.count + Self.matrixColumns - 1) / Self.matrixColumns)
        let pageNumber = min(try query.number("page", in: 1...100_000) ?? 1, pageCount)
        let shown = chosen.dropFirst((pageNumber - 1) * Self.matrixColumns).prefix(Self.matrixColumns)
        let period = ReportPeriod.halfYear(containing: now())
        // Each column is a system's own evaluation, as its compliance report makes it; evaluated
        // side by side (each mostly reads its findings from the store).
        let api = self.api
        let evaluated = try await withThrowingTaskGroup(of: (Int, SystemCompliance?).self) { group in
            for (index, system) in shown.enumerated() {
                group.addTask { (index, try await api.complianceReport(system: system.id, period: period).systems.first) }
            }
            var columns: [(Int, SystemCompliance)] = []
            for try await (index, entry) in group { if let entry { columns.append((index, entry)) } }
            return columns.sorted { $0.0 < $1.0 }.map(\.1)
        }
        struct Column {
            var id: String
            var level: Int
        }
        struct Cell {
            var key: String
            var label: String
            var href: String?
        }
        struct Row {
            var id: String
            var text: String
            var cells: [Cell]
        }
        struct Legend {
            var key: String
            var label: String
        }
        struct PageLink {
            var number: Int
            var href: String
            var current: Bool
        }
        struct Body {
            var owners: [Option]
            var levels: [Option]
            var systems: [Option]
            var summary: String
            var legend: [Legend]
            var columns: [Column]
            var rows: [Row]
            var pages: [PageLink]
            var morePages: Bool
        }
        let entries = evaluated.map { system in Dictionary(system.requirements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let rows = api.rulePack.requirements.requirements.compactMap { requirement -> Row? in
            guard entries.contains(where: { $0[requirement.id] != nil }) else { return nil }
            return Row(
                id: requirement.id, text: requirement.text[language],
                cells: zip(evaluated, entries).map { system, byID in
                    guard let entry = byID[requirement.id] else { return Cell(key: "", label: "", href: nil) }
                    let key = Self.cellKey(entry)
                    return Cell(
                        key: key, label: Self.cellLabel(key, language),
                        href: "/ui/compliance/\(ConsoleQuery.encode(system.system.id))/\(ConsoleQuery.encode(requirement.id))")
                })
        }
        let filter = ConsoleQuery.string([("owner", owner), ("level", level.map(String.init)), ("system", only)])
        let body = Body(
            owners: Array(Set(all.map(\.owner))).sorted().map { Option(value: $0, label: $0, selected: $0 == owner) },
            levels: Level.all.map { Option(value: String($0.rawValue), label: String($0.rawValue), selected: $0.rawValue == level) },
            systems: all.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: $0.id == only) },
            summary: vi
                ? "\(chosen.count) hệ thống, kỳ \(period.label); trang \(pageNumber)/\(pageCount)."
                : "\(chosen.count) systems, period \(period.label); page \(pageNumber) of \(pageCount).",
            legend: ["pass", "fail", "attested", "manual", "not-evaluated"].map { Legend(key: $0, label: Self.cellLabel($0, language)) },
            columns: evaluated.map { Column(id: $0.system.id, level: $0.system.level.rawValue) }, rows: rows,
            pages: (1...pageCount).map { PageLink(number: $0, href: "/ui/compliance?\(filter)&page=\($0)", current: $0 == pageNumber) },
            morePages: pageCount > 1)
        return page("compliance", body, request: request, context: context)
    }

    private func requirementPage(request: Request, context: CollectorContext) async throws -> Response {
        let visit = context.visit
        let language = visit.language
        let vi = language == .vi
        _ = try visit.user(atLeast: .viewer)
        let systemID = try context.parameters.require("system")
        let requirementID = try context.parameters.require("requirement")
        let period = ReportPeriod.halfYear(containing: now())
        guard let system = try await api.complianceReport(system: systemID, period: period).systems.first,
            let entry = system.requirements.first(where: { $0.id == requirementID })
        else {
            throw HTTPError(
                .notFound, message: vi ? "Yêu cầu này không áp dụng cho hệ thống đó." : "That requirement does not apply to that system.")
        }
        let words = ReportStrings.of(language)
        struct FindingRow {
            var fingerprint: String
            var rule: String
            var entity: String
            var host: String
            var severity: String
            var severityKey: String
            var status: String
            var lastSeen: String
        }
        struct ProofRow {
            var fingerprint: String
            var rule: String
            var host: String
            var entity: String
            var at: String
        }
        struct AttestationFacts {
            var evidence: String
            var by: String
            var at: String
            var until: String
        }
        struct Body {
            var system: String
            var systemName: String
            var requirement: String
            var text: String
            var status: String
            var statusKey: String
            var reason: String
            var level: Int
            var check: String
            var lastChecked: String?
            var citations: [String]
            var threshold: String?
            var inventory: String?
            var attestation: AttestationFacts?
            var findings: [FindingRow]
            var more: String?
            var proof: [ProofRow]
            var unproven: [String]
            var canAttest: Bool
        }
        let key = Self.cellKey(entry)
        let body = Body(
            system: system.system.id, systemName: system.system.name, requirement: entry.id, text: entry.text[language],
            status: Self.cellLabel(key, language), statusKey: key, reason: words.reasonText(entry.reason),
            level: system.system.level.rawValue,
            check: entry.check == Requirement.Check.manual.rawValue
                ? (vi ? "Thủ công (xác nhận bằng văn bản)" : "Manual (attested with a document)")
                : (vi
                    ? "Tự động (các luật: \(entry.rules.joined(separator: ", ")))"
                    : "Automated (rules: \(entry.rules.joined(separator: ", ")))"),
            lastChecked: entry.lastChecked.map(ConsoleFormat.time),
            citations: [entry.citation?.legacyText(language), entry.citation?.currentText(language)].compactMap { $0 },
            threshold: entry.threshold?.text[language], inventory: entry.inventoryEvidence?[language],
            attestation: entry.attestation.map {
                AttestationFacts(
                    evidence: $0.evidence, by: $0.attestedBy, at: ConsoleFormat.time($0.attestedAt), until: ConsoleFormat.time($0.expiresAt)
                )
            },
            findings: entry.findings.map {
                FindingRow(
                    fingerprint: $0.fingerprint, rule: $0.rule, entity: $0.entity, host: $0.host,
                    severity: ConsoleFormat.severity($0.severity, language), severityKey: $0.severity.rawValue,
                    status: ConsoleFormat.status($0.status, language), lastSeen: ConsoleFormat.time($0.lastSeen))
            },
            more: entry.findingsTotal > entry.findings.count
                ? (vi
                    ? "Hiện \(entry.findings.count) trên \(entry.findingsTotal) phát hiện."
                    : "\(entry.findings.count) of \(entry.findingsTotal) findings shown.") : nil,
            proof: entry.proof.map {
                ProofRow(
                    fingerprint: $0.fingerprint, rule: $0.rule, host: $0.host, entity: $0.entity, at: ConsoleFormat.time($0.observedAt))
            },
            unproven: entry.unproven,
            canAttest: entry.check == Requirement.Check.manual.rawValue && (visit.user.map { $0.role >= .analyst } ?? false))
        return page("requirement", body, request: request, context: context)
    }
}
