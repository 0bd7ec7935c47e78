import CanhModel

extension ReportStrings {
    /// Vietnamese, the default: the words of Decree 85/2016 and Circular 12/2022.
    public static let vietnamese = ReportStrings(
        language: .vi,
        complianceTitle: "Báo cáo tuân thủ yêu cầu bảo đảm an toàn hệ thống thông tin theo cấp độ",
        coverageTitle: "Báo cáo tình hình xác định cấp độ và giám sát an toàn hệ thống thông tin",
        allSystems: "Tất cả hệ thống thông tin",
        generatedAt: "Thời điểm lập báo cáo",
        period: "Kỳ báo cáo",
        coverageAsOf: "Số liệu tại thời điểm lập báo cáo",
        rulesVersion: "Phiên bản bộ quy tắc",
        digest: "Mã băm SHA-256 của dữ liệu",
        digestNote: "Mã băm tính trên dữ liệu JSON chuẩn hóa của báo cáo; kiểm tra bằng: jq -cjS .data báo-cáo.json | sha256sum",
        timeZoneNote: "Giờ Việt Nam (UTC+07:00)",
        page: "Trang",
        pageOf: "/",
        none: "Không có",
        never: "Chưa có",
        andMore: { "… và \(NumberText.grouped($0, separator: ".")) phát hiện khác" },
        system: "Hệ thống thông tin",
        systemID: "Mã hệ thống",
        owner: "Chủ quản",
        operatorUnit: "Đơn vị vận hành",
        level: "Cấp độ",
        dossier: "Hồ sơ đề xuất cấp độ",
        decision: "Quyết định phê duyệt",
        dossierStatus: { status in
            switch status {
            case .none: "Chưa xây dựng"
            case .drafting: "Đang dự thảo"
            case .submitted: "Đã gửi thẩm định"
            case .appraised: "Đã thẩm định"
            case .approved: "Đã được phê duyệt"
            }
        },
        hosts: "Máy chủ",
        hostname: "Tên máy",
        agentID: "Mã tác tử",
        hostStatus: "Trạng thái",
        lastSeen: "Báo cáo gần nhất",
        hostStatusName: { status in
            switch status {
            case .active: "Đang hoạt động"
            case .stale: "Mất liên lạc"
            case .revoked: "Đã thu hồi"
            }
        },
        noHosts: "Chưa có máy chủ nào được đăng ký giám sát.",
        summary: "Tổng hợp",
        applicable: "Yêu cầu áp dụng",
        met: "Đáp ứng",
        statusName: { status in
            switch status {
            case .pass: "Đạt"
            case .fail: "Không đạt"
            case .notEvaluated: "Chưa đánh giá"
            case .manual: "Xác nhận thủ công"
            }
        },
        reasonText: { reason in
            switch reason {
            case .checksPassed: "Một kiểm tra trạng thái đã đạt trên mọi máy chủ được giám sát trong kỳ (xem bằng chứng)."
            case .detectionsOnly:
                "Chỉ có quy tắc phát hiện trích dẫn yêu cầu này: phát hiện chỉ chứng minh được vi phạm, không chứng minh được đáp ứng; chưa có kiểm tra trạng thái."
            case .notProvenOnEveryHost: "Chưa có kiểm tra trạng thái nào đạt trên mọi máy chủ được giám sát."
            case .openFindings: "Còn phát hiện chưa được xử lý."
            case .noHosts: "Hệ thống chưa có máy chủ được giám sát."
            case .noReportsInPeriod: "Không có máy chủ nào gửi báo cáo trong kỳ."
            case .neverChecked: "Chưa có kết quả kiểm tra (chưa cấu hình đối tượng cần kiểm tra)."
            case .checkErrors: "Kiểm tra không thực hiện được (lỗi đọc tệp hoặc không kết nối được)."
            case .attested: "Đã được xác nhận, còn hiệu lực."
            case .noAttestation: "Yêu cầu kiểm tra thủ công, chưa có xác nhận."
            case .inventoryFacts: "Được chứng minh bởi thông tin trong danh mục hệ thống thông tin."
            case .inventoryShowsUnmet: "Thông tin trong danh mục hệ thống thông tin cho thấy yêu cầu chưa được đáp ứng."
            case .attestationExpired: "Xác nhận đã hết hiệu lực."
            case .noRules: "Bộ quy tắc chưa có kiểm tra tự động cho yêu cầu này ở cấp độ của hệ thống."
            }
        },
        areaName: { area in
            switch area {
            case "network": "Bảo đảm an toàn mạng"
            case "server": "Bảo đảm an toàn máy chủ"
            case "application": "Bảo đảm an toàn ứng dụng"
            case "data": "Bảo đảm an toàn dữ liệu"
            case "design": "Yêu cầu thiết kế hệ thống"
            case "management": "Yêu cầu quản lý"
            default: area
            }
        },
        requirement: "Yêu cầu",
        requirementID: "Mã yêu cầu",
        findingsCount: "Số phát hiện",
        requirements: "Đánh giá theo từng yêu cầu",
        area: "Nhóm yêu cầu",
        status: "Kết quả",
        evidence: "Bằng chứng",
        provedBy: "Chứng minh bởi",
        unprovenOn: "Chưa chứng minh trên",
        remediation: "Khắc phục",
        lastChecked: "Kiểm tra gần nhất",
        citation: "Căn cứ",
        currentCitation: "Hiện hành",
        forceName: { force in
            switch force {
            case .mandatory: "bắt buộc"
            case .suggested: "gợi ý (được chọn mức khác nếu phương án giải trình)"
            case .bestPractice: "thực hành tốt, không bắt buộc"
            }
        },
        basisName: { basis in
            switch basis {
            case .text: "theo văn bản"
            case .secondary: "theo nguồn thứ cấp, cần đối chiếu bản chính thức"
            case .inference: "suy luận của Canh, không có trong văn bản"
            }
        },
        threshold: "Ngưỡng",
        regime: "Văn bản áp dụng",
        regimeName: { $0 == .decree85 ? "NĐ 85/2016, TT 12/2022, TCVN 11930:2017" : "NĐ 331/2026, TCVN 14423:2026" },
        regimeReason: { reason in
            switch reason {
            case .beforeDecree331: "báo cáo lập trước ngày NĐ 331/2026 có hiệu lực (19/08/2026)"
            case .transition: "hệ thống vận hành trước 01/07/2026, đang trong thời gian chuyển tiếp đến 19/08/2027 (NĐ 331/2026 Điều 39)"
            case .afterTransition: "hệ thống vận hành trước 01/07/2026, đã hết thời gian chuyển tiếp (NĐ 331/2026 Điều 39)"
            case .newSystem: "hệ thống đưa vào vận hành từ 01/07/2026 (NĐ 331/2026)"
            case .goLiveUnknown: "chưa ghi nhận ngày đưa vào vận hành nên trích dẫn cả hai"
            }
        },
        goLive: "Ngày đưa vào vận hành",
        checkKind: { $0 == "manual" ? "thủ công" : "tự động" },
        rules: "Quy tắc",
        attestedBy: "Người xác nhận",
        attestedAt: "Ngày xác nhận",
        expiresAt: "Hiệu lực đến",
        chartByArea: "Kết quả theo nhóm yêu cầu",
        rule: "Quy tắc",
        entity: "Đối tượng",
        severity: "Mức độ",
        findingStatus: "Xử lý",
        count: "Số lần",
        firstSeen: "Lần đầu",
        severityName: { severity in
            switch severity {
            case .info: "Thông tin"
            case .low: "Thấp"
            case .medium: "Trung bình"
            case .high: "Cao"
            case .critical: "Nghiêm trọng"
            }
        },
        findingStatusName: { status in
            switch status {
            case .open: "Chưa xử lý"
            case .acknowledged: "Đã tiếp nhận"
            case .resolved: "Đã khắc phục"
            case .excepted: "Ngoại lệ"
            }
        },
        exceptedUntil: "ngoại lệ đến",
        certificates: "Chứng thư số",
        subject: "Chủ thể",
        notAfter: "Hết hạn",
        daysLeft: "Số ngày còn lại",
        locations: "Vị trí",
        chartCertificates: "Chứng thư số theo số ngày còn hiệu lực",
        binName: { bin in
            switch bin {
            case "expired": "Đã hết hạn"
            case "0-7": "0–7 ngày"
            case "8-30": "8–30 ngày"
            case "31-90": "31–90 ngày"
            default: "Trên 90 ngày"
            }
        },
        noCertificates: "Chưa ghi nhận chứng thư số nào.",
        indicators: "Chỉ tiêu",
        indicatorApproved: "Hệ thống thông tin đã được phê duyệt hồ sơ đề xuất cấp độ",
        indicatorMonitored: { "Hệ thống thông tin được giám sát (có máy chủ báo cáo trong \($0) giờ qua)" },
        systemsCount: "Số hệ thống",
        approvedCount: "Đã phê duyệt cấp độ",
        monitoredCount: "Được giám sát",
        withoutHosts: "Chưa có máy chủ giám sát",
        byLevel: "Theo cấp độ",
        byOwner: "Theo cơ quan chủ quản",
        share: "Tỷ lệ",
        monitored: "Giám sát",
        yes: "Có",
        no: "Không",
        hostCounts: "Máy chủ được giám sát",
        staleHosts: "Máy chủ mất liên lạc",
        expiringCertificates: { "Chứng thư số đã hết hạn hoặc còn tối đa \($0) ngày" },
        totalHosts: "Tổng số",
        formatInteger: { NumberText.grouped($0, separator: ".") },
        formatPercent: { part, whole in
            let share = NumberText.percentParts(part, whole)
            return "\(share.whole),\(share.tenths) %"
        },
        formatDate: { time in
            let date = LocalDate(time)
            return "\(NumberText.twoDigits(date.day))/\(NumberText.twoDigits(date.month))/\(date.year)"
        },
        formatDateTime: { time in
            let local = NumberText.local(time)
            return "\(NumberText.twoDigits(local.hour)):\(NumberText.twoDigits(local.minute)) ngày "
                + "\(NumberText.twoDigits(local.date.day))/\(NumberText.twoDigits(local.date.month))/\(local.date.year)"
        }
    )
}
