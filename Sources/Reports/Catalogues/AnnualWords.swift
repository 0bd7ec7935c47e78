import CanhModel

/// The words of the annual report's form, in the language it is printed in. The Vietnamese text
/// follows Decree 331/2026's form Mẫu 08 (or Circular 12/2022 Art. 14 before it was in force);
/// the English is a reviewer's translation with the same structure.
struct AnnualWords {
    let language: Language
    let form: RegimeChoice.Regime

    private var vi: Bool { language == .vi }
    private var newForm: Bool { form == .decree331 }

    static let blank = "……"

    var motto: (String, String) {
        vi
            ? ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
            : ("SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness")
    }
    var number: String { vi ? "Số: \(Self.blank)/BC-\(Self.blank)" : "No.: \(Self.blank)/BC-\(Self.blank)" }
    var subject: String {
        switch (vi, newForm) {
        case (true, true): "V/v kết quả công tác bảo đảm an ninh mạng hệ thống thông tin"
        case (true, false): "V/v báo cáo công tác bảo đảm an toàn hệ thống thông tin theo cấp độ"
        case (false, true): "Re: results of the cybersecurity protection of information systems"
        case (false, false): "Re: level-based information-system security"
        }
    }
    func placeAndDate(year: Int) -> String {
        vi ? "\(Self.blank), ngày \(Self.blank) tháng \(Self.blank) năm \(year)" : "\(Self.blank), \(Self.blank) \(year)"
    }
    var ownerPlaceholder: String { vi ? "CHỦ QUẢN HỆ THỐNG THÔNG TIN" : "INFORMATION-SYSTEM OWNER" }
    var title: String { vi ? "BÁO CÁO" : "REPORT" }
    func heading(year: Int) -> String {
        switch (vi, newForm) {
        case (true, true): "Kết quả công tác bảo đảm an ninh mạng hệ thống thông tin năm \(year)"
        case (true, false): "Công tác bảo đảm an toàn hệ thống thông tin theo cấp độ năm \(year)"
        case (false, true): "Cybersecurity protection of information systems, \(year)"
        case (false, false): "Level-based information-system security, \(year)"
        }
    }
    func dataPeriod(_ from: String, _ to: String) -> String {
        vi ? "(Số liệu từ ngày \(from) đến ngày \(to))" : "(Data from \(from) to \(to))"
    }
    var addressee: String { vi ? "Kính gửi" : "To" }
    var recipientsLabel: String { vi ? "Nơi nhận" : "Recipients" }
    var recipients: [String] { vi ? ["Như trên;", "Lưu: VT, \(Self.blank)."] : ["As above;", "Filed: archive, \(Self.blank)."] }
    var signer: (String, String) {
        vi ? ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên, đóng dấu)") : ("HEAD OF THE AGENCY", "(Signature, full name, seal)")
    }

    // Banner
    var bannerNote: String { vi ? "Ghi chú cho người lập — không thuộc văn bản" : "Note for the author — not part of the document" }
    func deadline(_ who: String, date: String, days: Int) -> String {
        let left =
            days > 0
            ? (vi ? "còn \(days) ngày" : "\(days) days left")
            : days == 0 ? (vi ? "hạn cuối là hôm nay" : "due today") : (vi ? "quá hạn \(-days) ngày" : "\(-days) days overdue")
        return "\(who): \(date) (\(left))"
    }
    var toOwner: String {
        vi ? "Đơn vị chuyên trách, đơn vị vận hành gửi chủ quản trước 20/12" : "Security unit and operators to the owner, before 20/12"
    }
    func onward(_ recipient: String) -> String { vi ? "Chủ quản gửi \(recipient) trước 25/12" : "Owner to \(recipient), before 25/12" }

    // Part 1
    var part1: String { vi ? "1. Thông tin chung" : "1. General information" }
    var totalSystems: String { vi ? "Tổng số hệ thống thông tin thuộc phạm vi quản lý" : "Information systems in scope" }
    var classified: String {
        vi
            ? "Tổng số hệ thống thông tin đã được phân loại (đã xác định được loại hình hệ thống thông tin)"
            : "Systems classified (type of system determined)"
    }
    var dossierBuilt: String { vi ? "Tổng số hệ thống thông tin đã xây dựng hồ sơ đề xuất cấp độ" : "Systems with a level dossier built" }
    var appraised: String {
        vi ? "Tổng số hệ thống thông tin đã được thẩm định hồ sơ đề xuất cấp độ" : "Systems whose level dossier was appraised"
    }
    var approved: String { vi ? "Tổng số hệ thống thông tin đã được phê duyệt cấp độ" : "Systems with an approved level" }
    var approvedAndAssessed: String {
        vi
            ? "Tổng số hệ thống thông tin đã phê duyệt cấp độ được kiểm tra, đánh giá an ninh mạng định kỳ theo quy định"
            : "Approved systems assessed periodically as required"
    }
    var expectedCompletion: String {
        vi
            ? "Dự kiến thời gian hoàn thành phê duyệt đề xuất cấp độ hệ thống thông tin đối với tất cả các hệ thống thông tin thuộc phạm vi quản lý"
            : "When every system in scope is expected to have its level approved"
    }
    var allApproved: String { vi ? "đã hoàn thành" : "done" }
    func missingDates(_ count: Int) -> String {
        vi ? " (\(count) hệ thống chưa có ngày dự kiến)" : " (\(count) systems without an expected date)"
    }

    // Part 2
    var part2: String {
        vi
            ? "2. Thông tin về chủ quản hệ thống thông tin và đơn vị chuyên trách về an ninh mạng"
            : "2. The information-system owner and the cybersecurity unit"
    }
    var ownerInfo: String { vi ? "a) Thông tin về chủ quản hệ thống thông tin" : "a) The owner" }
    var unitInfo: String { vi ? "b) Thông tin về đơn vị chuyên trách về an ninh mạng" : "b) The specialised cybersecurity unit" }
    var name: String { vi ? "(1) Tên" : "(1) Name" }
    var mandate: String { vi ? "(2) Quy định chức năng, nhiệm vụ và quyền hạn" : "(2) Mandate (functions, duties and powers)" }
    var representative: String { vi ? "(3) Người đại diện, chức vụ" : "(3) Representative and title" }
    var address: String { vi ? "(4) Địa chỉ liên lạc" : "(4) Address" }
    var contact: String { vi ? "(5) Số điện thoại, thư điện tử" : "(5) Phone and e-mail" }

    // Part 3
    var part3: String {
        vi ? "3. Thông tin chi tiết về các hệ thống thông tin thuộc phạm vi quản lý" : "3. The information systems in scope"
    }
    var columns: [String] {
        vi
            ? [
                "STT", "Tên HTTT", "Chủ quản HTTT", "Đơn vị vận hành HTTT", "Cấp độ đề xuất", "Tình trạng phê duyệt cấp độ",
                "Quyết định phê duyệt cấp độ", "Quy chế bảo đảm ANM cho hệ thống", "Dự kiến thời điểm phê duyệt HSĐXCĐ",
                "Đã triển khai đầy đủ PA BĐANM", "Dự kiến thời điểm triển khai đầy đủ PA BĐANM", "Đã kiểm tra, đánh giá ANM",
            ]
            : [
                "No.", "System", "Owner", "Operator", "Proposed level", "Level approval", "Approving decision",
                "Security regulation (Quy chế)", "Expected approval", "Security plan carried out", "Expected full implementation",
                "Security assessment",
            ]
    }
    func dossier(_ status: DossierStatus) -> String {
        switch (status, vi) {
        case (.none, true): "Chưa xây dựng"
        case (.drafting, true): "Đang dự thảo"
        case (.submitted, true): "Đã gửi thẩm định"
        case (.appraised, true): "Đã thẩm định"
        case (.approved, true): "Đã được phê duyệt"
        case (.none, false): "Not started"
        case (.drafting, false): "Being drafted"
        case (.submitted, false): "Submitted for appraisal"
        case (.appraised, false): "Appraised"
        case (.approved, false): "Approved"
        }
    }
    func plan(_ plan: PlanImplementation) -> String {
        switch (plan, vi) {
        case (.none, true): "Chưa triển khai"
        case (.partial, true): "Đã triển khai một số hạng mục"
        case (.full, true): "Đã triển khai đầy đủ"
        case (.none, false): "Not carried out"
        case (.partial, false): "Some items carried out"
        case (.full, false): "Fully carried out"
        }
    }
    func assessed(_ kinds: [Assessment.Kind]) -> String {
        kinds.map { kind in
            switch (kind, vi) {
            case (.beforeUse, true): "Trước khi đưa vào sử dụng"
            case (.periodic, true): "Định kỳ"
            case (.beforeUse, false): "Before use"
            case (.periodic, false): "Periodic"
            }
        }.joined(separator: "; ")
    }
    func decision(_ decision: Decision?) -> String {
        guard let decision else { return "" }
        var text = decision.number
        if let date = decision.date { text += vi ? ", ngày \(InventoryWording.vietnamese(date))" : ", \(date)" }
        if let issuer = decision.issuer { text += ", \(issuer)" }
        return text
    }
    func date(_ iso: String?) -> String {
        guard let iso else { return "" }
        return vi ? InventoryWording.vietnamese(iso) : iso
    }

    // Annex
    var annex: String {
        vi ? "Phụ lục: Kết quả giám sát tuân thủ theo cấp độ (Canh)" : "Annex: level-based compliance as monitored (Canh)"
    }
    var annexNote: String {
        vi
            ? "Đánh giá từng yêu cầu theo cấp độ của hệ thống trong kỳ báo cáo (TT 12/2022 Điều 14.8), chi tiết trong báo cáo tuân thủ của từng hệ thống."
            : "Each requirement of the system's level judged over the reporting period (Circular 12/2022 Art. 14.8); details in each system's compliance report."
    }
    var annexColumns: [String] {
        vi
            ? ["Mã hệ thống", "Cấp độ", "Yêu cầu áp dụng", "Đạt", "Không đạt", "Chưa đánh giá", "Xác nhận", "Yêu cầu không đạt"]
            : ["System id", "Level", "Applicable", "Pass", "Fail", "Not evaluated", "Attested", "Failed requirements"]
    }
}
