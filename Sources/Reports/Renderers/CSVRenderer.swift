import CanhModel
import Foundation

/// The CSV format: UTF-8 with a byte-order mark (so spreadsheet software reads the Vietnamese
/// letters right), CRLF line ends and RFC 4180 quoting. A few lines saying what the report is
/// come first, then a blank line and one table with a header row. Times are Vietnam time as
/// `YYYY-MM-DD HH:MM`, which every spreadsheet reads as a date; numbers are plain integers.
enum CSVRenderer {
    static func render(_ report: SealedReport<ComplianceReport>, strings: ReportStrings) -> [UInt8] {
        let data = report.data
        var table = CSVTable()
        table.row([strings.complianceTitle])
        table.row([strings.system, data.scope ?? strings.allSystems])
        table.row([strings.generatedAt, time(data.generatedAt)])
        table.row([strings.period, "\(data.period.label) (\(day(data.period.start)) – \(day(data.period.end - .seconds(1))))"])
        table.row([strings.rulesVersion, data.rulesVersion])
        table.row([strings.digest, report.digest])
        table.row([])
        table.row([
            strings.systemID, strings.system, strings.level, strings.requirementID, strings.area, strings.requirement, strings.status,
            strings.evidence, strings.lastChecked, strings.hosts, strings.findingsCount, strings.rules, strings.attestedBy,
            strings.attestedAt,
            strings.expiresAt, strings.citation, strings.remediation,
        ])
        for system in data.systems {
            for requirement in system.requirements {
                let evidence =
                    [strings.reasonText(requirement.reason)] + (requirement.inventoryEvidence.map { [$0[strings.language]] } ?? [])
                    + requirement.proof.map { "\(strings.provedBy) \($0.rule) \($0.entity) @ \($0.host): \(time($0.observedAt))" }
                    + (requirement.unproven.isEmpty ? [] : ["\(strings.unprovenOn) \(requirement.unproven.joined(separator: " "))"])
                    + requirement.findings.prefix(5).map { finding in
                        "\(finding.rule) \(finding.entity) @ \(finding.host): \(strings.findingStatusName(finding.status))"
                    }
                table.row([
                    system.system.id, system.system.name, "\(system.system.level)", requirement.id, strings.areaName(requirement.area),
                    requirement.text[strings.language], strings.statusName(requirement.status), evidence.joined(separator: "; "),
                    requirement.lastChecked.map(time) ?? "", requirement.hosts.joined(separator: " "), "\(requirement.findingsTotal)",
                    requirement.rules.joined(separator: " "),
                    requirement.attestation.map { "\($0.attestedBy): \($0.evidence)" } ?? "",
                    requirement.attestation.map { time($0.attestedAt) } ?? "", requirement.attestation.map { time($0.expiresAt) } ?? "",
                    strings.citationLines(requirement, regime: system.regime).joined(separator: " | "),
                    requirement.remediation.map { "\($0.rule): \($0.text[strings.language])" }.joined(separator: " | "),
                ])
            }
        }
        return table.bytes
    }

    /// The annual report: Part 1's totals, then one row per system with Part 3's twelve columns
    /// and the annex's compliance figures.
    static func render(_ report: SealedReport<AnnualReport>, strings: ReportStrings) -> [UInt8] {
        let data = report.data
        let words = AnnualWords(language: strings.language, form: data.form)
        var table = CSVTable()
        table.row(["\(words.title) — \(words.heading(year: data.year))"])
        table.row([strings.period, "\(day(data.period.start)) – \(day(data.period.end - .seconds(1)))"])
        table.row([strings.generatedAt, time(data.generatedAt)])
        table.row([strings.rulesVersion, data.rulesVersion])
        table.row([strings.digest, report.digest])
        let totals = data.totals
        for (label, value) in [
            (words.totalSystems, "\(totals.systems)"), (words.classified, "\(totals.classified)"),
            (words.dossierBuilt, "\(totals.dossierBuilt)"), (words.appraised, "\(totals.appraised)"),
            (words.approved, "\(totals.approved)"),
            (words.approvedAndAssessed, "\(totals.approvedAndAssessed)"), (words.expectedCompletion, totals.expectedCompletion ?? ""),
        ] {
            table.row([label, value])
        }
        table.row([])
        let indicatorWords = IndicatorWords(language: strings.language)
        table.row([indicatorWords.indicator19, "\(totals.indicator19)"])
        table.row([indicatorWords.indicator20, "\(totals.indicator20)"])
        table.row([])
        table.row(words.columns + [strings.systemID, strings.level] + words.annexColumns.dropFirst(2) + indicatorWords.columns.dropFirst())
        for (index, row) in data.systems.enumerated() {
            let counts = row.compliance
            table.row(
                [
                    "\(index + 1)", row.name, row.owner, row.operatorUnit ?? "", "\(row.proposedLevel)", words.dossier(row.dossier),
                    words.decision(row.approval), words.decision(row.regulation), row.expectedApproval ?? "", words.plan(row.plan),
                    row.planExpected ?? "", words.assessed(row.assessed), row.id, "\(row.level)", "\(counts.total)", "\(counts.pass)",
                    "\(counts.fail)", "\(counts.notEvaluated)", "\(counts.manual)", row.failed.joined(separator: " "),
                ] + indicatorWords.row(id: row.id, row.indicators).dropFirst())
        }
        return table.bytes
    }

    static func render(_ report: SealedReport<CoverageReport>, strings: ReportStrings) -> [UInt8] {
        let data = report.data
        var table = CSVTable()
        let words = IndicatorWords(language: strings.language)
        table.row([strings.coverageTitle])
        table.row([strings.period, "\(data.period.label) (\(day(data.period.start)) – \(day(data.period.end - .seconds(1))))"])
        table.row([strings.generatedAt, time(data.generatedAt)])
        table.row([strings.rulesVersion, data.rulesVersion])
        table.row([strings.digest, report.digest])
        table.row([words.indicator19, "\(data.totals.indicator19)", "\(data.totals.systems)"])
        table.row([words.indicator20, "\(data.totals.indicator20)", "\(data.totals.systems)"])
        table.row([strings.indicatorApproved, "\(data.totals.approved)", "\(data.totals.systems)"])
        table.row([strings.indicatorMonitored(data.monitoredWithinHours), "\(data.totals.monitored)", "\(data.totals.systems)"])
        table.row([])
        table.row(
            [
                strings.systemID, strings.system, strings.owner, strings.level, strings.dossier, strings.decision, strings.hosts,
                strings.staleHosts, strings.lastSeen, strings.monitored,
            ] + words.columns.dropFirst())
        for system in data.systems {
            table.row(
                [
                    system.id, system.name, system.owner, "\(system.level)", strings.dossierStatus(system.dossier),
                    [system.decisionNumber, system.decisionDate].compactMap { $0 }.joined(separator: " "), "\(system.hosts)",
                    "\(system.staleHosts)", system.lastSeen.map(time) ?? "", system.monitored ? strings.yes : strings.no,
                ] + words.row(id: system.id, system.indicators).dropFirst())
        }
        return table.bytes
    }

    /// `2026-11-23` in Vietnam's time.
    static func day(_ timestamp: Timestamp) -> String { String(time(timestamp).prefix(10)) }

    /// `2026-11-23 15:12` in Vietnam's time.
    static func time(_ timestamp: Timestamp) -> String {
        let local = NumberText.local(timestamp)
        return "\(local.date.year)-\(NumberText.twoDigits(local.date.month))-\(NumberText.twoDigits(local.date.day)) "
            + "\(NumberText.twoDigits(local.hour)):\(NumberText.twoDigits(local.minute))"
    }
}

/// Rows of cells written as RFC 4180 CSV.
struct CSVTable {
    private(set) var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    mutating func row(_ cells: [String]) {
        bytes += Array(CSVField.line(cells).utf8)
        bytes += [0x0D, 0x0A]
    }
}
