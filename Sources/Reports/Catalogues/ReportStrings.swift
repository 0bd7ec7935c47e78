public import CanhModel

/// Every word a report shows, for one language. One instance per language (`vietnamese`,
/// `english`), so the compiler refuses a catalogue that lacks a string.
public struct ReportStrings: Sendable {
    public var language: Language

    // Document
    public var complianceTitle: String
    public var coverageTitle: String
    public var allSystems: String
    public var generatedAt: String
    public var period: String
    public var coverageAsOf: String
    public var rulesVersion: String
    public var digest: String
    public var digestNote: String
    public var timeZoneNote: String
    /// The page footer: `Trang 2 / 5`, `Page 2 of 5`.
    public var page: String
    public var pageOf: String
    public var none: String
    public var never: String
    public var andMore: @Sendable (Int) -> String

    // Systems and hosts
    public var system: String
    public var systemID: String
    public var owner: String
    public var operatorUnit: String
    public var level: String
    public var dossier: String
    public var decision: String
    public var dossierStatus: @Sendable (DossierStatus) -> String
    public var hosts: String
    public var hostname: String
    public var agentID: String
    public var hostStatus: String
    public var lastSeen: String
    public var hostStatusName: @Sendable (EnrolledHost.Status) -> String
    public var noHosts: String

    // Compliance
    public var summary: String
    public var applicable: String
    public var met: String
    public var statusName: @Sendable (ComplianceStatus) -> String
    public var reasonText: @Sendable (ComplianceReason) -> String
    public var areaName: @Sendable (String) -> String
    public var requirement: String
    public var requirementID: String
    public var findingsCount: String
    public var requirements: String
    public var area: String
    public var status: String
    public var evidence: String
    /// Before the state check that proved a pass on a host.
    public var provedBy: String
    /// Before the hosts no state check proved.
    public var unprovenOn: String
    /// Before a failing rule's remediation.
    public var remediation: String
    public var lastChecked: String
    public var citation: String
    /// Before the current regime's citation.
    public var currentCitation: String
    public var forceName: @Sendable (LegalCitation.Force) -> String
    public var basisName: @Sendable (LegalCitation.Basis) -> String
    /// Before where a threshold comes from.
    public var threshold: String
    public var regime: String
    public var regimeName: @Sendable (RegimeChoice.Regime) -> String
    public var regimeReason: @Sendable (RegimeChoice.Reason) -> String
    public var goLive: String
    public var checkKind: @Sendable (String) -> String
    public var rules: String
    public var attestedBy: String
    public var attestedAt: String
    public var expiresAt: String
    public var chartByArea: String

    // Findings
    public var rule: String
    public var entity: String
    public var severity: String
    public var findingStatus: String
    public var count: String
    public var firstSeen: String
    public var severityName: @Sendable (Severity) -> String
    public var findingStatusName: @Sendable (FindingStatus) -> String
    public var exceptedUntil: String

    // Certificates
    public var certificates: String
    public var subject: String
    public var notAfter: String
    public var daysLeft: String
    public var locations: String
    public var chartCertificates: String
    public var binName: @Sendable (String) -> String
    public var noCertificates: String

    // Coverage
    public var indicators: String
    public var indicatorApproved: String
    public var indicatorMonitored: @Sendable (Int) -> String
    public var systemsCount: String
    public var approvedCount: String
    public var monitoredCount: String
    public var withoutHosts: String
    public var byLevel: String
    public var byOwner: String
    public var share: String
    public var monitored: String
    public var yes: String
    public var no: String
    public var hostCounts: String
    public var staleHosts: String
    public var expiringCertificates: @Sendable (Int) -> String
    public var totalHosts: String

    // Formatting
    /// `1.234` in Vietnamese, `1,234` in English.
    public var formatInteger: @Sendable (Int) -> String
    /// A share with one decimal: `25,5 %` / `25.5%`.
    public var formatPercent: @Sendable (_ part: Int, _ whole: Int) -> String
    /// A date in Vietnam's time: `23/11/2026` / `23 Nov 2026`.
    public var formatDate: @Sendable (Timestamp) -> String
    /// A date and time in Vietnam's time: `23/11/2026 15:12` / `23 Nov 2026, 15:12`.
    public var formatDateTime: @Sendable (Timestamp) -> String

    public static func of(_ language: Language) -> ReportStrings {
        switch language {
        case .vi: .vietnamese
        case .en: .english
        }
    }
}

extension ReportStrings {
    /// The lines citing the law under a requirement: the regimes the system's report cites (or
    /// whatever the catalogue has, when it has nothing for them), how binding and how sure, and
    /// where the thresholds come from.
    public func citationLines(_ requirement: RequirementCompliance, regime: RegimeChoice) -> [String] {
        var lines: [String] = []
        if let citation = requirement.citation {
            let legacy = citation.legacyText(language).map { "\(self.citation) (\(regimeName(.decree85))): \($0)" }
            let current = citation.currentText(language).map { "\(currentCitation) (\(regimeName(.decree331))): \($0)" }
            let chosen = (regime.citesDecree85 ? [legacy] : []) + (regime.citesDecree331 ? [current] : [])
            lines += chosen.contains { $0 != nil } ? chosen.compactMap { $0 } : [legacy, current].compactMap { $0 }
            var standing = "\(forceName(citation.force)); \(basisName(citation.basis))"
            if let note = citation.note { standing += " — " + note[language] }
            lines.append(standing)
        }
        if let threshold = requirement.threshold {
            lines.append("\(self.threshold) (\(basisName(threshold.basis))): \(threshold.text[language])")
        }
        return lines
    }

    /// The regimes and why, in one line.
    public func regimeText(_ choice: RegimeChoice) -> String {
        choice.regimes.map(regimeName).joined(separator: " + ") + " — " + regimeReason(choice.reason)
    }
}

/// Shared pieces of the two catalogues' formatting.
enum NumberText {
    /// Digits grouped by three with `separator`.
    static func grouped(_ value: Int, separator: String) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `part / whole` in per cent with one decimal, as integer and tenths; 0 when `whole` is 0.
    static func percentParts(_ part: Int, _ whole: Int) -> (whole: Int, tenths: Int) {
        guard whole > 0 else { return (0, 0) }
        let tenths = (part * 1000 + whole / 2) / whole
        return (tenths / 10, tenths % 10)
    }

    static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Local date and minutes of an instant, in Vietnam's time.
    static func local(_ time: Timestamp) -> (date: LocalDate, hour: Int64, minute: Int64) {
        let date = LocalDate(time)
        let minutes = ((time + ReportPeriod.localOffset).microsecondsSinceEpoch / 60_000_000 - date.daysSinceEpoch * 1440)
        return (date, minutes / 60, minutes % 60)
    }
}
