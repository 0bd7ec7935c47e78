import CanhModel

/// The inventory's facts that prove or disprove a management requirement, in both languages, so
/// that the report's data (and its digest) do not depend on the language it is printed in.
enum InventoryWording {
    static func dossier(_ system: InformationSystem) -> LocalizedText {
        var vi: [String] = []
        var en: [String] = []
        if let approval = system.approval {
            let when = approval.date.map { " ngày \(vietnamese($0))" } ?? ""
            let whenEn = approval.date.map { " of \($0)" } ?? ""
            let by = approval.issuer.map { " của \($0)" } ?? ""
            let byEn = approval.issuer.map { " by \($0)" } ?? ""
            vi.append("Hồ sơ đề xuất cấp độ được phê duyệt theo Quyết định \(approval.number)\(when)\(by)")
            en.append("Level dossier approved by decision \(approval.number)\(whenEn)\(byEn)")
        } else {
            vi.append("Hồ sơ đề xuất cấp độ chưa được phê duyệt (\(dossierVietnamese(system.dossier)))")
            en.append("Level dossier not approved (\(system.dossier.rawValue))")
        }
        let expected = system.planExpected.map { ($0, vietnamese($0)) }
        switch system.plan {
        case .full:
            vi.append("phương án đã triển khai đầy đủ")
            en.append("plan fully carried out")
        case .partial:
            vi.append("phương án mới triển khai một phần" + (expected.map { ", dự kiến hoàn thành \($0.1)" } ?? ""))
            en.append("plan partly carried out" + (expected.map { ", full by \($0.0)" } ?? ""))
        case .none:
            vi.append("phương án chưa triển khai" + (expected.map { ", dự kiến hoàn thành \($0.1)" } ?? ""))
            en.append("plan not carried out" + (expected.map { ", full by \($0.0)" } ?? ""))
        }
        return LocalizedText(vi: vi.joined(separator: "; ") + ".", en: en.joined(separator: "; ") + ".")
    }

    static func assessment(_ latest: Assessment?, months: Int64, level: Level) -> LocalizedText {
        let period = LocalizedText(
            vi: months == 24 ? "2 năm" : "\(months) tháng", en: months == 24 ? "2 years" : "\(months) months")
        guard let latest else {
            return LocalizedText(
                vi: "Chưa ghi nhận lần kiểm tra, đánh giá nào; cấp độ \(level) phải được đánh giá ít nhất mỗi \(period.vi).",
                en: "No assessment recorded; level \(level) must be assessed at least every \(period.en).")
        }
        let kind = latest.kind == .beforeUse ? ("trước khi đưa vào vận hành", "before use") : ("định kỳ", "periodic")
        return LocalizedText(
            vi: "Đánh giá \(kind.0) gần nhất ngày \(vietnamese(latest.date)) do \(latest.assessor) thực hiện: \(latest.result) "
                + "(yêu cầu ít nhất mỗi \(period.vi) ở cấp độ \(level)).",
            en: "Latest \(kind.1) assessment on \(latest.date) by \(latest.assessor): \(latest.result) "
                + "(required at least every \(period.en) at level \(level)).")
    }

    /// `2026-03-01` as `01/03/2026`.
    static func vietnamese(_ date: String) -> String {
        let parts = date.split(separator: "-")
        guard parts.count == 3 else { return date }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    private static func dossierVietnamese(_ status: DossierStatus) -> String {
        switch status {
        case .none: "chưa xây dựng"
        case .drafting: "đang dự thảo"
        case .submitted: "đã gửi thẩm định"
        case .appraised: "đã thẩm định"
        case .approved: "đã phê duyệt nhưng chưa ghi số quyết định"
        }
    }
}
