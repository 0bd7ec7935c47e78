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

    static func day(_ time: Timestamp) -> String {
        let date = LocalDate(time)
        return "\(two(date.day))/\(two(date.month))/\(date.year)"
    }

    private static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func severity(_ severity: Severity, _ language: Language) -> String {
        switch (severity, language) {
        case (.critical, .vi): "Nghiêm trọng"
        case (.high, .vi): "Cao"
        case (.medium, .vi): "Trung bình"
        case (.low, .vi): "Thấp"
        case (.info, .vi): "Thông tin"
        case (_, .en): severity.rawValue.capitalized
        }
    }

    static func status(_ status: FindingStatus, _ language: Language) -> String {
        switch (status, language) {
        case (.open, .vi): "Đang mở"
        case (.acknowledged, .vi): "Đã ghi nhận"
        case (.resolved, .vi): "Đã khắc phục"
        case (.excepted, .vi): "Ngoại lệ"
        case (_, .en): status.rawValue.capitalized
        }
    }

    static func hostStatus(_ status: EnrolledHost.Status, _ language: Language) -> String {
        switch (status, language) {
        case (.active, .vi): "Hoạt động"
        case (.stale, .vi): "Im lặng"
        case (.revoked, .vi): "Đã thu hồi"
        case (_, .en): status.rawValue.capitalized
        }
    }

    static func role(_ role: Role, _ language: Language) -> String {
        switch (role, language) {
        case (.viewer, .vi): "người xem"
        case (.analyst, .vi): "chuyên viên phân tích"
        case (.admin, .vi): "quản trị"
        case (_, .en): role.rawValue
        }
    }

    /// Thousands separated as each language writes them.
    static func number(_ value: Int, _ language: Language) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(language == .vi ? "." : ",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
