import CanhModel

/// The words of indicators 19 and 20 of plan 155/KH-UBND, in the language a report is printed in.
struct IndicatorWords {
    let language: Language
    private var vi: Bool { language == .vi }

    var title: String { vi ? "Chỉ tiêu 19 và 20 (Kế hoạch 155/KH-UBND)" : "Indicators 19 and 20 (plan 155/KH-UBND)" }
    var indicator19: String {
        vi
            ? "Chỉ tiêu 19: hồ sơ cấp độ được phê duyệt trước khi đưa vào vận hành và phương án được triển khai đầy đủ"
            : "Indicator 19: level dossier approved before going into use, and the security plan fully carried out"
    }
    var indicator20: String {
        vi
            ? "Chỉ tiêu 20: được giám sát (mọi máy chủ báo cáo hằng ngày trong kỳ) và cảnh báo được chuyển đến người nhận"
            : "Indicator 20: monitored (every host reported daily over the period) and alerted on (alerts delivered)"
    }
    func period(_ text: String) -> String { vi ? "Kỳ tính chỉ tiêu: \(text)" : "Period of the indicators: \(text)" }
    var columns: [String] {
        vi
            ? [
                "Mã hệ thống", "Phê duyệt so với ngày vận hành", "Phương án đầy đủ", "Chỉ tiêu 19", "Máy chủ tính chỉ tiêu 20",
                "Ngày đủ báo cáo",
                "Cảnh báo đã gửi / lỗi", "Giám sát bằng cách khác", "Chỉ tiêu 20",
            ]
            : [
                "System id", "Approval against go-live", "Plan fully carried out", "Indicator 19", "Hosts counted",
                "Days every host reported",
                "Alerts sent / dead", "Monitored by other means", "Indicator 20",
            ]
    }
    func timing(_ timing: PlanIndicators.DossierTiming) -> String {
        switch (timing, vi) {
        case (.approvedBeforeGoLive, true): "phê duyệt trước khi vận hành"
        case (.approvedAfterGoLive, true): "phê duyệt sau khi đã vận hành"
        case (.datesUnknown, true): "đã phê duyệt, thiếu ngày quyết định hoặc ngày vận hành"
        case (.notApproved, true): "chưa phê duyệt"
        case (.approvedBeforeGoLive, false): "approved before going into use"
        case (.approvedAfterGoLive, false): "approved after going into use"
        case (.datesUnknown, false): "approved; decision or go-live date not recorded"
        case (.notApproved, false): "not approved"
        }
    }
    func yes(_ value: Bool) -> String { value ? (vi ? "Đạt" : "Met") : (vi ? "Không đạt" : "Not met") }
    func flag(_ value: Bool) -> String { value ? (vi ? "Có" : "Yes") : (vi ? "Không" : "No") }
    func elsewhere(_ monitoring: ExternalMonitoring?) -> String {
        guard let monitoring else { return "" }
        return "\(monitoring.by): \(monitoring.evidence) (" + (vi ? "đến " : "until ") + "\(monitoring.until))"
    }
    var withoutHosts: String {
        vi ? "Hệ thống chưa có máy chủ đăng ký giám sát (tính riêng)" : "Systems with no host enrolled (listed apart)"
    }

    /// The row of one system's indicators.
    func row(id: String, _ indicators: PlanIndicators) -> [String] {
        [
            id, timing(indicators.dossier), flag(indicators.planFull), yes(indicators.indicator19), "\(indicators.hosts)",
            "\(indicators.daysCovered) / \(indicators.days)", "\(indicators.alertsSent) / \(indicators.alertsDead)",
            elsewhere(indicators.monitoredElsewhere), yes(indicators.indicator20),
        ]
    }
}
