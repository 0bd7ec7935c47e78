import CanhModel

/// The host configuration checks of SPEC §7. The entity is the host name; the evidence names the
/// setting in force and the file and line it comes from, or the default when nothing sets it.
enum HostCheck: Sendable {
    case rootLogin(allowed: [String])
    case passwordAuthentication
    case storageVolatile
    case timeSyncDisabled

    func judge(_ host: HostObservation) -> PostureJudgement {
        var evidence = Evidence()
        func judgement(_ outcome: Outcome, _ details: [(String, Evidence.Value)]) -> PostureJudgement {
            for (key, value) in details { evidence[key] = value }
            return PostureJudgement(entity: host.host, outcome: outcome, evidence: evidence)
        }
        switch self {
        case .rootLogin(let allowed):
            guard case .read(let sshd) = host.sshd else { return judgement(.error, [("error", .text(Self.reason(host.sshd)))]) }
            let values = Set(allowed.map { $0.lowercased() })
            // OpenSSH 7.0 and later default to prohibit-password; without-password is its old name.
            let normalised = { (value: String) in value.lowercased() == "without-password" ? "prohibit-password" : value.lowercased() }
            let global = sshd.global["PermitRootLogin"]
            let inForce = ("permit_root_login", Evidence.Value.text(global?.description ?? "prohibit-password (OpenSSH default)"))
            var offending: [String] = []
            if !values.contains(normalised(global?.value ?? "prohibit-password")) { offending.append("global: \(inForce.1.text)") }
            for conditional in sshd.conditional
            where conditional.keyword == "permitrootlogin" && !values.contains(normalised(conditional.setting.value)) {
                offending.append("Match \(conditional.criteria): \(conditional.setting)")
            }
            let allowedList = ("allowed", Evidence.Value.list(allowed))
            guard offending.isEmpty else { return judgement(.fail, [inForce, allowedList, ("offending", .list(offending))]) }
            return judgement(.pass, [inForce, allowedList])

        case .passwordAuthentication:
            guard case .read(let sshd) = host.sshd else { return judgement(.error, [("error", .text(Self.reason(host.sshd)))]) }
            let methods = sshd.global["AuthenticationMethods"]
            let password = sshd.global["PasswordAuthentication"]
            let keyboard = sshd.global["KbdInteractiveAuthentication"] ?? sshd.global["ChallengeResponseAuthentication"]
            let details: [(String, Evidence.Value)] = [
                ("password_authentication", .text(password?.description ?? "yes (OpenSSH default)")),
                ("kbd_interactive_authentication", .text(keyboard?.description ?? "yes (OpenSSH default)")),
                ("authentication_methods", .text(methods?.description ?? "any (OpenSSH default)")),
            ]
            var offending: [String] = []
            if !Self.requiresTwoFactors(methods?.value) {
                if Self.isYes(password?.value ?? "yes") {
                    offending.append("PasswordAuthentication \(password?.description ?? "yes (default)")")
                }
                if Self.isYes(keyboard?.value ?? "yes") {
                    offending.append("KbdInteractiveAuthentication \(keyboard?.description ?? "yes (default)")")
                }
            }
            for conditional in sshd.conditional
            where ["passwordauthentication", "kbdinteractiveauthentication", "challengeresponseauthentication"].contains(
                conditional.keyword)
                && Self.isYes(conditional.setting.value)
            {
                offending.append("Match \(conditional.criteria): \(conditional.keyword) \(conditional.setting)")
            }
            return offending.isEmpty ? judgement(.pass, details) : judgement(.fail, details + [("offending", .list(offending))])

        case .storageVolatile:
            guard case .read(let journald) = host.journald else { return judgement(.error, [("error", .text(Self.reason(host.journald)))]) }
            let storage = journald["Storage"]
            let value = storage?.value.lowercased() ?? "auto"
            let details: [(String, Evidence.Value)] = [
                ("storage", .text(storage?.description ?? "auto (journald default)")),
                ("var_log_journal", .text(host.hasPersistentJournalDirectory ? "exists" : "missing")),
            ]
            let volatile = value == "volatile" || value == "none" || (value == "auto" && !host.hasPersistentJournalDirectory)
            return judgement(volatile ? .fail : .pass, details)

        case .timeSyncDisabled:
            let installed = host.timeServices.filter { $0.value != .notInstalled }.sorted { $0.key < $1.key }
            let states = ("services", Evidence.Value.list(installed.map { "\($0.key) \($0.value)" }))
            guard !installed.isEmpty else {
                return judgement(.fail, [("services", .list([])), ("reason", .text("no time synchronisation service is installed"))])
            }
            return judgement(installed.contains { $0.value.isEnabled } ? .pass : .fail, [states])
        }
    }

    private static func reason<Value>(_ state: ConfigurationState<Value>) -> String {
        switch state {
        case .read: ""
        case .missing(let why), .unreadable(let why): why
        }
    }

    private static func isYes(_ value: String) -> Bool { value.lowercased() == "yes" }

    /// AuthenticationMethods lists alternatives (space-separated), each a comma-separated chain
    /// that must all succeed: two factors when every alternative chains two or more methods.
    static func requiresTwoFactors(_ value: String?) -> Bool {
        guard let value, value.lowercased() != "any" else { return false }
        let alternatives = value.split(whereSeparator: \.isWhitespace)
        return !alternatives.isEmpty && alternatives.allSatisfy { $0.split(separator: ",").count >= 2 }
    }
}

extension Evidence.Value {
    fileprivate var text: String {
        if case .text(let text) = self { return text }
        return ""
    }
}
