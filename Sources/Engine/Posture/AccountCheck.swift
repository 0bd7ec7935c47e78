import CanhModel

/// Checks whose entity is a local account (and, for the password store, /etc/shadow itself).
enum AccountCheck: Sendable {
    /// Passwords stored with one of these schemes, or without a salt; /etc/shadow readable by
    /// anyone but root and the shadow group.
    case passwordHash(weakSchemes: [String])
    /// People's accounts that can log in and have not for longer than this.
    case inactive(maximumDays: Int)

    func judge(_ host: HostObservation, at now: Timestamp) -> [PostureJudgement] {
        guard case .read(let observed) = host.accounts else {
            return [
                PostureJudgement(entity: host.host, outcome: .error, evidence: Evidence([("error", .text(host.accounts.problem ?? ""))]))
            ]
        }
        switch self {
        case .passwordHash(let weak): return Self.passwordHashes(observed, weakSchemes: weak)
        case .inactive(let days): return Self.inactive(observed, maximumDays: days, now: now, host: host.host)
        }
    }

    private static func passwordHashes(_ observed: AccountsObservation, weakSchemes: [String]) -> [PostureJudgement] {
        var judgements: [PostureJudgement] = []
        for account in observed.accounts {
            let stored = ("stored", Evidence.Value.text("\(account.password) (/etc/shadow:\(account.shadowLine ?? 0))"))
            switch account.password {
            case .none: continue
            case .empty:
                judgements.append(
                    PostureJudgement(
                        entity: account.name, outcome: .fail,
                        evidence: Evidence([
                            stored,
                            ("problem", .text("no password is asked: anyone may log in as \(account.name) where passwords are accepted")),
                        ])))
            case .hash(let scheme, let salted, _):
                var problems: [String] = []
                if weakSchemes.contains(scheme) { problems.append("\(scheme) hashes are cracked in minutes on one graphics card") }
                if !salted { problems.append("without a salt, equal passwords have equal hashes and precomputed tables apply") }
                var evidence = Evidence([stored])
                if !problems.isEmpty { evidence["problems"] = .list(problems) }
                judgements.append(PostureJudgement(entity: account.name, outcome: problems.isEmpty ? .pass : .fail, evidence: evidence))
            }
        }
        if let permissions = observed.shadowPermissions {
            let readableByOthers = permissions.mode & 0o004 != 0
            let readableByGroup = permissions.mode & 0o040 != 0 && !["root", "shadow"].contains(permissions.group)
            var evidence = Evidence([("permissions", .text(permissions.description))])
            if readableByOthers || readableByGroup {
                evidence["problem"] = .text("/etc/shadow can be read by accounts other than root and the shadow group")
            }
            judgements.append(
                PostureJudgement(entity: "/etc/shadow", outcome: readableByOthers || readableByGroup ? .fail : .pass, evidence: evidence))
        }
        return judgements
    }

    private static func inactive(_ observed: AccountsObservation, maximumDays: Int, now: Timestamp, host: String) -> [PostureJudgement] {
        var judgements: [PostureJudgement] = []
        for account in observed.accounts
        where account.uid >= observed.uidMinimum && account.uid != 65_534 && account.hasLoginShell
            && (account.password.isUsable || account.hasAuthorizedKeys != false)
        {
            guard account.password.isUsable || account.hasAuthorizedKeys == true else {
                // Whether a key lets it in cannot be seen, so neither can its inactivity be judged.
                judgements.append(
                    PostureJudgement(
                        entity: account.name, outcome: .error,
                        evidence: Evidence([
                            (
                                "error",
                                .text("~\(account.name)/.ssh cannot be read (ProtectHome?): whether a key lets the account in is unknown")
                            )
                        ])))
                continue
            }
            var evidence = Evidence([
                (
                    "can_log_in_with",
                    .list(
                        (account.password.isUsable ? ["password"] : [])
                            + (account.hasAuthorizedKeys == true
                                ? ["authorized key"] : account.hasAuthorizedKeys == nil ? ["authorized key?"] : []))
                ),
                ("shell", .text(account.shell)), ("max_days", .number(Int64(maximumDays))),
                ("last_login", .text(account.lastLogin.map { "\($0.iso8601) (\(observed.lastLoginSource ?? ""))" } ?? "never")),
            ])
            // The last password change is the creation date of an account that never changed it:
            // a new account is not inactive.
            let changed = account.lastPasswordChangeDay.flatMap { $0 > 0 ? Timestamp(secondsSinceEpoch: 0) + .days(Int64($0)) : nil }
            if let changed { evidence["password_changed"] = .text(String(changed.iso8601.prefix(10))) }
            let newest = [account.lastLogin, changed].compactMap { $0 }.max()
            let idleDays = newest.map { Int(now.since($0).wholeDays) }
            if let idleDays { evidence["idle_days"] = .number(Int64(idleDays)) }
            let outcome: Outcome = (idleDays.map { $0 > maximumDays } ?? true) ? .fail : .pass
            judgements.append(PostureJudgement(entity: account.name, outcome: outcome, evidence: evidence))
        }
        if judgements.isEmpty {
            // Nobody can log in as a person here: the host itself holds the requirement, so a
            // server without people's accounts can prove it rather than stay unproven.
            return [
                PostureJudgement(
                    entity: host, outcome: .pass,
                    evidence: Evidence([
                        ("interactive_accounts", .number(0)),
                        (
                            "counted",
                            .text(
                                "accounts of UID \(observed.uidMinimum) or more with a login shell and a password or an authorized key (/etc/passwd, /etc/shadow)"
                            )
                        ),
                    ]))
            ]
        }
        if observed.lastLoginSource == nil {
            // Without any record of logins, a pass could only rest on password dates.
            return [
                PostureJudgement(
                    entity: host, outcome: .error,
                    evidence: Evidence([
                        ("error", .text("neither \("/var/lib/lastlog/lastlog2.db") nor /var/log/lastlog exists: last logins are unknown"))
                    ]))
            ]
        }
        return judgements
    }
}
