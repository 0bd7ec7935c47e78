import CanhModel

/// The language of a channel's messages (`lang` of `[[alerts.channels]]`).
public enum AlertLanguage: String, Sendable, Hashable, CaseIterable {
    case vi, en
}

/// A message as people read it: a one-line subject (e-mail subject, syslog MSG) and a body.
public struct AlertText: Sendable, Hashable {
    public var subject: String
    public var body: String
}

extension AlertMessage {
    public func text(_ language: AlertLanguage) -> AlertText {
        let words = AlertWords.of(language)
        let subject: String
        switch kind {
        case .digest:
            subject = words.digest(digest?.count ?? 0, rule, system.id, digest?.windowMinutes ?? 0)
        case .test:
            subject = words.test(alertRule)
        case .alert:
            let place = host.map { words.onHost(system.id, $0) } ?? words.onSystem(system.id)
            subject = "\(transition.map(words.transition) ?? "") \(rule) (\(words.severity(severity))) \(place)"
        }
        var lines = [subject, ""]
        lines.append("\(words.system): \(system.id) — \(system.name) (\(system.owner), \(words.level) \(system.level.rawValue))")
        if let host { lines.append("\(words.host): \(host)") }
        if let finding {
            lines.append("\(words.finding): \(language == .vi ? finding.title.vi : finding.title.en)")
            lines.append("\(words.entity): \(finding.entity)")
            lines.append(
                "\(words.status): \(finding.status.rawValue), \(words.seen(finding.count)), \(words.first) \(Self.local(finding.firstSeen)), "
                    + "\(words.last) \(Self.local(finding.lastSeen))")
            if !finding.requirements.isEmpty { lines.append("\(words.requirements): \(finding.requirements.joined(separator: ", "))") }
            if !finding.evidence.isEmpty { lines.append("\(words.evidence): \(finding.evidence)") }
        }
        if let guidance {
            lines.append("\(words.remediation): \(language == .vi ? guidance.remediation.vi : guidance.remediation.en)")
            for reference in guidance.references { lines.append("  \(reference)") }
        }
        if let digest {
            lines.append(words.digestRange(Self.local(digest.since), Self.local(digest.until)))
        }
        if let heldBack {
            lines.append(words.heldBack(Self.local(heldBack.from), Self.local(heldBack.until), heldBack.reason))
        }
        lines.append("")
        lines.append("\(words.time): \(Self.local(at)) · \(words.alertRule): \(alertRule) · \(words.key): \(key)")
        return AlertText(subject: "[Canh] " + subject, body: lines.joined(separator: "\n") + "\n")
    }

    /// Vietnam time (UTC+7, no daylight saving), as the people reading the alerts keep it.
    static func local(_ time: Timestamp) -> String {
        let text = (time + .hours(7)).iso8601
        return String(text.compactMap { $0 == "Z" ? nil : $0 == "T" ? " " : $0 }) + " (UTC+7)"
    }
}

/// The words of one language; a missing one does not compile.
struct AlertWords: Sendable {
    var transition: @Sendable (AlertTransition) -> String
    var severity: @Sendable (Severity) -> String
    var onHost: @Sendable (_ system: String, _ host: String) -> String
    var onSystem: @Sendable (_ system: String) -> String
    var digest: @Sendable (_ count: Int, _ rule: String, _ system: String, _ minutes: Int) -> String
    var digestRange: @Sendable (_ since: String, _ until: String) -> String
    var test: @Sendable (_ channel: String) -> String
    var heldBack: @Sendable (_ from: String, _ until: String, _ reason: String) -> String
    var seen: @Sendable (Int) -> String
    var system, level, host, finding, entity, status, first, last, requirements, evidence, remediation, time, alertRule, key: String

    static func of(_ language: AlertLanguage) -> AlertWords {
        switch language {
        case .en: english
        case .vi: vietnamese
        }
    }

    static let english = AlertWords(
        transition: {
            switch $0 {
            case .opened: "New finding:"
            case .reopened: "Reopened:"
            case .severityRaised: "Severity raised:"
            case .resolved: "Resolved:"
            case .exceptionExpired: "Exception expired:"
            case .hostStale: "Host stopped reporting:"
            }
        },
        severity: { $0.rawValue },
        onHost: { "on \($0), host \($1)" }, onSystem: { "on \($0)" },
        digest: { "\($0) more \($0 == 1 ? "finding" : "findings") of \($1) on \($2) in the last \($3) minutes" },
        digestRange: { "Held back by throttling between \($0) and \($1)." },
        test: { "Test alert for channel \($0)" },
        heldBack: { "Held back during the maintenance window from \($0) to \($1): \($2)." },
        seen: { $0 == 1 ? "seen once" : "seen \($0) times" },
        system: "System", level: "level", host: "Host", finding: "Finding", entity: "Entity", status: "Status", first: "first",
        last: "last", requirements: "Requirements", evidence: "Evidence", remediation: "What to do", time: "Time",
        alertRule: "alert rule", key: "key")

    static let vietnamese = AlertWords(
        transition: {
            switch $0 {
            case .opened: "Phát hiện mới:"
            case .reopened: "Tái diễn:"
            case .severityRaised: "Tăng mức nghiêm trọng:"
            case .resolved: "Đã khắc phục:"
            case .exceptionExpired: "Hết hạn ngoại lệ:"
            case .hostStale: "Máy chủ mất liên lạc:"
            }
        },
        severity: {
            switch $0 {
            case .info: "thông tin"
            case .low: "thấp"
            case .medium: "trung bình"
            case .high: "cao"
            case .critical: "nghiêm trọng"
            }
        },
        onHost: { "trên \($0), máy chủ \($1)" }, onSystem: { "trên \($0)" },
        digest: { "Thêm \($0) phát hiện \($1) trên \($2) trong \($3) phút qua" },
        digestRange: { "Bị giới hạn tần suất, không gửi riêng từ \($0) đến \($1)." },
        test: { "Cảnh báo thử nghiệm cho kênh \($0)" },
        heldBack: { "Được giữ lại trong thời gian bảo trì từ \($0) đến \($1): \($2)." },
        seen: { "ghi nhận \($0) lần" },
        system: "Hệ thống", level: "cấp độ", host: "Máy chủ", finding: "Phát hiện", entity: "Đối tượng", status: "Trạng thái",
        first: "lần đầu", last: "lần cuối", requirements: "Yêu cầu", evidence: "Bằng chứng", remediation: "Khắc phục",
        time: "Thời điểm",
        alertRule: "quy tắc cảnh báo",
        key: "khoá")
}
