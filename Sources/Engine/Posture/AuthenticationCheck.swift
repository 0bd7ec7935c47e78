import CanhModel

/// Password quality and account lockout as PAM enforces them: module arguments first, then the
/// module's configuration file, then its built-in default. The entity is the host name.
enum AuthenticationCheck: Sendable {
    struct PasswordPolicy: Sendable {
        var minimumLength: Int
        var minimumClasses: Int
        /// With a second factor (sshd's AuthenticationMethods), length alone is asked.
        var minimumLengthWithMFA: Int
        /// Previous passwords that may not be reused; 0 when not required.
        var history: Int
        var adminMaximumAgeDays: Int
    }

    case passwordPolicy(PasswordPolicy)
    case lockout(maximumFailures: Int, minimumUnlockSeconds: Int)

    func judge(_ host: HostObservation) -> PostureJudgement {
        let authentication = host.authentication
        var details: [(String, Evidence.Value)] = []
        var problems: [String] = []
        func judgement(_ outcome: Outcome) -> PostureJudgement {
            var evidence = Evidence(details)
            if !problems.isEmpty { evidence[outcome == .error ? "error" : "problems"] = .list(problems) }
            return PostureJudgement(entity: host.host, outcome: outcome, evidence: evidence)
        }

        switch self {
        case .passwordPolicy(let policy):
            let passwd = authentication.pamStacks["passwd"] ?? .missing("/etc/pam.d/passwd was not read")
            guard case .read(let stack) = passwd else {
                problems = passwd.problem.map { [$0] } ?? []
                return judgement(.error)
            }
            guard case .read(let pwquality) = authentication.pwquality, case .read(let administrators) = authentication.administrators
            else {
                problems = [authentication.pwquality.problem, authentication.administrators.problem].compactMap { $0 }
                return judgement(.error)
            }
            let passwordStack = stack.filter { $0.type == "password" }
            let mfa: Bool =
                if case .read(let sshd) = host.sshd { HostCheck.requiresTwoFactors(sshd.global["AuthenticationMethods"]?.value) } else {
                    false
                }
            let requiredLength = mfa ? policy.minimumLengthWithMFA : policy.minimumLength
            let requiredClasses = mfa ? 0 : policy.minimumClasses
            if let quality = passwordStack.first(where: { $0.module == "pam_pwquality.so" || $0.module == "pam_cracklib.so" }) {
                let isCracklib = quality.module == "pam_cracklib.so"
                func value(_ name: String, default fallback: Int) -> (Int, String) {
                    if let argument = quality.argument(name), let number = Int(argument) {
                        return (number, "\(number) (\(quality.file):\(quality.line))")
                    }
                    if !isCracklib, let setting = pwquality[name], let number = Int(setting.value) { return (number, setting.description) }
                    return (fallback, "\(fallback) (default)")
                }
                let (length, lengthText) = value("minlen", default: isCracklib ? 9 : 8)
                let (minimumClass, classText) = value("minclass", default: 0)
                let required = ["dcredit", "ucredit", "lcredit", "ocredit"].filter { value($0, default: 0).0 < 0 }.count
                let classes = max(minimumClass, required)
                details += [
                    ("module", .text("\(quality.module) (\(quality.file):\(quality.line))")), ("min_length", .text(lengthText)),
                    ("min_classes", .text(required > minimumClass ? "\(classes) (negative credits)" : classText)),
                    ("second_factor", .text(mfa ? "required by sshd AuthenticationMethods" : "no")),
                ]
                if length < requiredLength { problems.append("passwords may be \(length) characters; at least \(requiredLength) required") }
                if classes < requiredClasses {
                    problems.append("passwords need \(classes) character class\(classes == 1 ? "" : "es"); \(requiredClasses) required")
                }
            } else {
                problems.append("no password quality module (pam_pwquality) in the password stack of /etc/pam.d/passwd")
            }
            if policy.history > 0 {
                let remembered =
                    passwordStack.compactMap { entry -> Int? in
                        guard entry.module == "pam_pwhistory.so" || entry.module == "pam_unix.so" else { return nil }
                        return entry.argument("remember").flatMap { Int($0) }
                    }.max() ?? 0
                details.append(("password_history", .text("\(remembered)")))
                if remembered < policy.history {
                    problems.append("\(remembered) previous passwords remembered (pam_pwhistory remember=); \(policy.history) required")
                }
            }
            // login.defs only seeds accounts created from now on; the shadow entries below are what
            // is enforced, so PASS_MAX_DAYS is shown, not judged.
            if case .read(let loginDefs) = authentication.loginDefs, let maximumDays = loginDefs["PASS_MAX_DAYS"] {
                details.append(("new_account_max_age_days", .text(maximumDays.description)))
            }
            for account in administrators {
                switch account.password {
                case .locked: continue
                case .empty: problems.append("administrator \(account.name) has an empty password")
                case .set:
                    guard let days = account.maximumAgeDays, days <= policy.adminMaximumAgeDays else {
                        let age = account.maximumAgeDays.map { "\($0) days" } ?? "never"
                        problems.append(
                            "administrator \(account.name)'s password expires after \(age); at most \(policy.adminMaximumAgeDays) days")
                        continue
                    }
                }
            }
            return judgement(problems.isEmpty ? .pass : .fail)

        case .lockout(let maximumFailures, let minimumUnlockSeconds):
            let sshd = authentication.pamStacks["sshd"] ?? .missing("/etc/pam.d/sshd was not read")
            guard case .read(let stack) = sshd else {
                problems = sshd.problem.map { [$0] } ?? []
                return judgement(.error)
            }
            guard case .read(let faillock) = authentication.faillock else {
                problems = authentication.faillock.problem.map { [$0] } ?? []
                return judgement(.error)
            }
            guard let module = stack.first(where: { $0.type == "auth" && $0.module == "pam_faillock.so" }) else {
                problems.append("no pam_faillock in the auth stack of /etc/pam.d/sshd: failed logins never lock an account")
                return judgement(.fail)
            }
            func value(_ name: String, default fallback: Int) -> (Int, String) {
                if let argument = module.argument(name), let number = Int(argument) {
                    return (number, "\(number) (\(module.file):\(module.line))")
                }
                if let setting = faillock[name], let number = Int(setting.value) { return (number, setting.description) }
                return (fallback, "\(fallback) (pam_faillock default)")
            }
            let (deny, denyText) = value("deny", default: 3)
            let (unlock, unlockText) = value("unlock_time", default: 600)
            details += [
                ("module", .text("pam_faillock.so (\(module.file):\(module.line))")), ("deny", .text(denyText)),
                ("unlock_time", .text(unlockText)),
            ]
            if deny == 0 { problems.append("deny=0 turns locking off") }
            if deny > maximumFailures { problems.append("an account locks after \(deny) failures; at most \(maximumFailures) allowed") }
            if unlock != 0 && unlock < minimumUnlockSeconds {
                problems.append(
                    "a locked account unlocks itself after \(unlock) s; at least \(minimumUnlockSeconds) s (or 0: by an administrator)")
            }
            return judgement(problems.isEmpty ? .pass : .fail)
        }
    }
}
