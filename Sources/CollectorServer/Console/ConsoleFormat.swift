import CanhModel
import Foundation
import Reports

/// How the console writes times, severities and statuses: Vietnam time, day first.
enum ConsoleFormat {
    static func time(_ time: Timestamp) -> String {
        let date = LocalDate(time)
        let minutes = (time + ReportPeriod.localOffset).microsecondsSinceEpoch / 60_000_000 - date.daysSinceEpoch * 1440
        return "\(two(date.day))/\(two(date.month))/\(date.year) \(two(minutes / 60)):\(two(minutes % 60))"
    }

    static func day(_ time: Timestamp) -> String { ReportStrings.vietnamese.formatDate(time) }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // Severities, statuses and numbers in the reports' words, so that a page and the report a
    // reviewer signs name a finding's state alike.
    static func severity(_ severity: Severity, _ language: Language) -> String { ReportStrings.of(language).severityName(severity) }

    static func status(_ status: FindingStatus, _ language: Language) -> String { ReportStrings.of(language).findingStatusName(status) }

    static func hostStatus(_ status: EnrolledHost.Status, _ language: Language) -> String {
        ReportStrings.of(language).hostStatusName(status)
    }

    static func number(_ value: Int, _ language: Language) -> String { ReportStrings.of(language).formatInteger(value) }

    static func role(_ role: Role, _ language: Language) -> String {
        switch (role, language) {
        case (.viewer, .vi): "người xem"
        case (.analyst, .vi): "chuyên viên phân tích"
        case (.admin, .vi): "quản trị"
        case (_, .en): role.rawValue
        }
    }
}
