public import CanhModel

/// Renders finding records as an aligned text table for people at a terminal.
public enum FindingTable {
    /// The table, one record per row, then a one-line summary.
    public static func render(_ records: [FindingRecord], language: Language) -> String {
        let header =
            language == .vi
            ? ["THỜI GIAN (UTC)", "MỨC ĐỘ", "KẾT QUẢ", "QUY TẮC", "MÁY CHỦ", "ĐỐI TƯỢNG", "SỐ LẦN", "TIÊU ĐỀ"]
            : ["TIME (UTC)", "SEVERITY", "OUTCOME", "RULE", "HOST", "ENTITY", "COUNT", "TITLE"]
        let rows = records.map { record in
            [
                record.time.iso8601, record.severity.rawValue, record.outcome.rawValue, record.rule,
                cell(record.host, width: 24), cell(record.entity, width: 40), String(record.count),
                cell(title(record, language), width: 200),
            ]
        }
        var lines = [TextTable(header: header, rows: rows).rendered]
        lines.append(summary(records, language: language))
        return lines.joined(separator: "\n")
    }

    /// The rule's title says what a failure means; an error row says the check could not run.
    static func title(_ record: FindingRecord, _ language: Language) -> String {
        guard record.outcome == .error else { return record.title[language] }
        let reason = record.evidence.text("error").map { ": \($0)" } ?? ""
        return (language == .vi ? "Không kiểm tra được — " : "Could not check — ") + record.title[language] + reason
    }

    static func summary(_ records: [FindingRecord], language: Language) -> String {
        let problems = records.filter { $0.outcome == .fail }
        let errors = records.filter { $0.outcome == .error }.count
        let notRun =
            errors == 0
            ? "" : language == .vi ? " \(errors) kiểm tra không chạy được." : " \(errors) check\(errors == 1 ? "" : "s") could not run."
        guard !problems.isEmpty else {
            return (language == .vi ? "Không có phát hiện nào." : "No findings.") + notRun
        }
        let bySeverity = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = problems.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(label(severity, language))"
        }
        return
            (language == .vi
            ? "\(problems.count) phát hiện (\(bySeverity.joined(separator: ", ")))."
            : "\(problems.count) finding\(problems.count == 1 ? "" : "s") (\(bySeverity.joined(separator: ", "))).") + notRun
    }

    static func label(_ severity: Severity, _ language: Language) -> String {
        guard language == .vi else { return severity.rawValue }
        return switch severity {
        case .critical: "nghiêm trọng"
        case .high: "cao"
        case .medium: "trung bình"
        case .low: "thấp"
        case .info: "thông tin"
        }
    }

    /// One line, control characters made visible, cut to `width` characters.
    static func cell(_ text: String, width: Int) -> String {
        let visible = text.terminalSafe
        return visible.count > width ? String(visible.prefix(width - 1)) + "…" : visible
    }
}
