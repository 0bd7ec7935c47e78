import CanhModel

/// The host configuration checks of SPEC §7. The entity is the host name; the evidence names the
/// setting in force and the file and line it comes from, or the default when nothing sets it.
enum HostCheck: Sendable {
    case rootLogin(allowed: [String])
    case passwordAuthentication
    case storageVolatile
    case timeSyncDisabled(units: [String])
    case insecureServices(units: [String], inetdServices: [String])
    case adminMFA
    case idleTimeout(maximumSeconds: Int)
    /// Logs kept for at least this many days, by configuration and in fact.
    case retention(days: Int)
    case malwareProtection(units: [String])
    case signaturesStale(maximumAgeDays: Int)
    case auditRules(watchedFiles: [String])
    case logForwarding
    case logSealing
    case firewall
    case sshCrypto(weakPatterns: [String])
    case endOfLife(table: [SupportEnd], warningDays: Int)
    case securityUpdates
    case packageLists(maximumAgeDays: Int)

    /// The judgement of the host; nil when the check does not apply to it (signatures of an
    /// anti-malware product that is not installed).
    func judge(_ host: HostObservation, at now: Timestamp) -> PostureJudgement? {
        var evidence = Evidence()
        func judgement(_ outcome: Outcome, _ details: [(String, Evidence.Value)]) -> PostureJudgement {
            for (key, value) in details { evidence[key] = value }
            return PostureJudgement(entity: host.host, outcome: outcome, evidence: evidence)
        }
        switch self {
        case .rootLogin(let allowed):
            guard case .read(let sshd) = host.sshd else { return judgement(.error, [("error", .text(host.sshd.problem ?? ""))]) }
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
            guard case .read(let sshd) = host.sshd else { return judgement(.error, [("error", .text(host.sshd.problem ?? ""))]) }
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
            guard case .read(let journald) = host.journald else {
                return judgement(.error, [("error", .text(host.journald.problem ?? ""))])
            }
            let storage = journald["Storage"]
            let value = storage?.value.lowercased() ?? "auto"
            let details: [(String, Evidence.Value)] = [
                ("storage", .text(storage?.description ?? "auto (journald default)")),
                ("var_log_journal", .text(host.hasPersistentJournalDirectory ? "exists" : "missing")),
            ]
            let volatile = value == "volatile" || value == "none" || (value == "auto" && !host.hasPersistentJournalDirectory)
            return judgement(volatile ? .fail : .pass, details)

        case .timeSyncDisabled(let units):
            let installed = units.compactMap { unit in host.units[unit].map { (key: unit, value: $0) } }
            let states = ("services", Evidence.Value.list(installed.map { "\($0.key) \($0.value)" }))
            guard !installed.isEmpty else {
                return judgement(.fail, [("services", .list([])), ("reason", .text("no time synchronisation service is installed"))])
            }
            return judgement(installed.contains { $0.value.isEnabled } ? .pass : .fail, [states])

        case .insecureServices(let units, let inetdServices):
            let (outcome, details) = Self.insecureServices(host, units: units, inetdServices: inetdServices)
            return judgement(outcome, details)

        case .adminMFA:
            guard case .read(let sshd) = host.sshd else { return judgement(.error, [("error", .text(host.sshd.problem ?? ""))]) }
            let global = sshd.global["AuthenticationMethods"]
            var details: [(String, Evidence.Value)] = [
                ("authentication_methods", .text(global?.description ?? "any (OpenSSH default)"))
            ]
            if Self.requiresTwoFactors(global?.value) { return judgement(.pass, details) }
            // Two factors asked only of administrators: a Match block on their groups.
            let adminGroups = Set(AdminAccount.administratorGroups)
            let forAdministrators = sshd.conditional.filter { conditional in
                guard conditional.keyword == "authenticationmethods", Self.requiresTwoFactors(conditional.setting.value) else {
                    return false
                }
                let words = conditional.criteria.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
                guard let index = words.firstIndex(of: "group"), index + 1 < words.count else { return false }
                return !adminGroups.isDisjoint(with: words[index + 1].split(separator: ",").map(String.init))
            }
            if let match = forAdministrators.first {
                details.append(("administrators", .text("Match \(match.criteria): \(match.setting)")))
                return judgement(.pass, details)
            }
            details.append(
                (
                    "reason",
                    .text(
                        "neither globally nor in a Match Group block for \(AdminAccount.administratorGroups.joined(separator: ", ")) does sshd ask two factors"
                    )
                ))
            return judgement(.fail, details)

        case .idleTimeout(let maximum):
            let (outcome, details) = Self.idleTimeout(host, maximumSeconds: maximum)
            return judgement(outcome, details)

        case .retention(let days):
            let (outcome, details) = Self.retention(host, days: days, now: now)
            return judgement(outcome, details)

        case .malwareProtection(let units):
            let (outcome, details) = Self.malwareProtection(host, units: units)
            return judgement(outcome, details)

        case .signaturesStale(let days):
            guard let (outcome, details) = Self.signaturesStale(host, maximumAgeDays: days, now: now) else { return nil }
            return judgement(outcome, details)

        case .auditRules(let files):
            let (outcome, details) = Self.auditRules(host, watchedFiles: files)
            return judgement(outcome, details)

        case .logForwarding:
            let (outcome, details) = Self.logForwarding(host)
            return judgement(outcome, details)

        case .logSealing:
            let (outcome, details) = Self.logSealing(host)
            return judgement(outcome, details)

        case .firewall:
            let (outcome, details) = Self.firewall(host)
            return judgement(outcome, details)

        case .securityUpdates:
            let (outcome, details) = Self.securityUpdates(host)
            return judgement(outcome, details)

        case .packageLists(let days):
            let (outcome, details) = Self.packageLists(host, maximumAgeDays: days, now: now)
            return judgement(outcome, details)

        case .endOfLife(let table, let warning):
            return Self.endOfLife(host, table: table, warningDays: warning, now: now)

        case .sshCrypto(let patterns):
            let (outcome, details) = Self.sshCrypto(host, weakPatterns: patterns)
            return judgement(outcome, details)
        }
    }

    /// journald's limits and the journal actually present, against the days required.
    private static func retention(_ host: HostObservation, days required: Int, now: Timestamp) -> (Outcome, [(String, Evidence.Value)]) {
        guard case .read(let journald) = host.journald else { return (.error, [("error", .text(host.journald.problem ?? ""))]) }
        var details: [(String, Evidence.Value)] = [("required_days", .number(Int64(required)))]
        var problems: [String] = []
        let storage = journald["Storage"]?.value.lowercased() ?? "auto"
        if storage == "volatile" || storage == "none" || (storage == "auto" && !host.hasPersistentJournalDirectory) {
            problems.append(
                "journald does not keep logs on disk (Storage=\(storage)\(storage == "auto" ? " without /var/log/journal" : ""))")
        }
        if let setting = journald["MaxRetentionSec"], let seconds = SystemdValues.seconds(setting.value), seconds > 0 {
            details.append(("max_retention", .text(setting.description)))
            if seconds < Double(required) * 86_400 {
                problems.append("MaxRetentionSec deletes entries after \(Int(seconds / 86_400)) days (\(setting.file):\(setting.line))")
            }
        }
        // The size cap: SystemMaxUse, else 10 % of the file system and at most 4 GiB.
        var cap: Int64? = nil
        var capText = ""
        if let setting = journald["SystemMaxUse"], let bytes = SystemdValues.bytes(setting.value) {
            cap = bytes
            capText = setting.description
        } else if let fileSystem = host.journalFileSystemBytes {
            cap = min(fileSystem / 10, 4 << 30)
            capText = "\(cap.map(mebibytes) ?? "") (journald default: 10 % of the file system, at most 4 GiB)"
        }
        if !capText.isEmpty { details.append(("size_cap", .text(capText))) }
        if let journal = host.journalRetention, let oldest = journal.oldestEntry {
            let ageDays = Int((now.microsecondsSinceEpoch - oldest.microsecondsSinceEpoch) / 86_400_000_000)
            details.append(("oldest_entry", .text(oldest.iso8601)))
            details.append(("journal_size", .text(mebibytes(journal.bytes))))
            if journal.olderEntriesRemoved, ageDays < required {
                problems.append("entries older than \(ageDays) days have already been removed")
            }
            if let newest = journal.newestEntry, let cap {
                let spanDays = Double(newest.microsecondsSinceEpoch - oldest.microsecondsSinceEpoch) / 86_400_000_000
                // A rate measured over less than a day says little about months.
                if spanDays >= 1, journal.bytes > 0 {
                    let perDay = Double(journal.bytes) / spanDays
                    let holds = Int(Double(cap) / perDay)
                    details.append(("write_rate", .text("\(mebibytes(Int64(perDay)))/day")))
                    if holds < required { problems.append("at \(mebibytes(Int64(perDay)))/day, the size cap holds about \(holds) days") }
                }
            }
        }
        if !problems.isEmpty { details.append(("problems", .list(problems))) }
        if problems.isEmpty, host.journalRetention?.oldestEntry == nil {
            // The configuration allows the retention, but what is actually kept cannot be seen.
            return (
                .error, details + [("error", .text("no journal files under /var/log/journal: the logs actually kept cannot be measured"))]
            )
        }
        return (problems.isEmpty ? .pass : .fail, details)
    }

    private static func insecureServices(_ host: HostObservation, units: [String], inetdServices: [String]) -> (
        Outcome, [(String, Evidence.Value)]
    ) {
        var enabled = units.compactMap { unit in host.units[unit].flatMap { $0.isEnabled ? "\(unit) \($0)" : nil } }
        // inetd starts what /etc/inetd.conf lists, so its services count only while it runs.
        let inetd = ["inetd.service", "openbsd-inetd.service", "inetutils-inetd.service"].first { host.units[$0]?.isEnabled == true }
        if let inetd {
            switch host.inetdServices {
            case .read(let services):
                enabled += services.filter { inetdServices.contains($0.value) }.map { "\($0.value) via \(inetd) (\($0.file):\($0.line))" }
            case .missing: break
            case .unreadable(let why): return (.error, [("error", .text(why))])
            }
        }
        let details: [(String, Evidence.Value)] = [
            ("enabled", .list(enabled)), ("looked_for", .list(units + inetdServices.map { "inetd: \($0)" })),
        ]
        return (enabled.isEmpty ? .pass : .fail, details)
    }

    /// The shell's TMOUT as bash ends up with it (a read-only assignment cannot be overridden by
    /// later files), and sshd's ChannelTimeout for sessions. ClientAliveInterval does not count:
    /// a live client answers its probes, so an idle session is never closed by it.
    private static func idleTimeout(_ host: HostObservation, maximumSeconds maximum: Int) -> (Outcome, [(String, Evidence.Value)]) {
        var details: [(String, Evidence.Value)] = [("max_seconds", .number(Int64(maximum)))]
        let shell = host.shellTimeouts.first(where: \.isReadOnly) ?? host.shellTimeouts.last
        details.append(("shell_tmout", .text(shell?.description ?? "not set")))
        var sshdSeconds: Double?
        if case .read(let sshd) = host.sshd, let setting = sshd.global["ChannelTimeout"] {
            details.append(("sshd_channel_timeout", .text(setting.description)))
            for entry in setting.value.split(whereSeparator: \.isWhitespace) {
                let parts = entry.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, ["*", "session", "session:*", "session:shell", "global"].contains(parts[0].lowercased()),
                    let seconds = SystemdValues.seconds(String(parts[1])), seconds > 0
                else { continue }
                sshdSeconds = min(sshdSeconds ?? seconds, seconds)
            }
        }
        if case .read(let sshd) = host.sshd, let alive = sshd.global["ClientAliveInterval"] {
            details.append(("client_alive_interval", .text("\(alive.description): detects dead clients, does not end idle sessions")))
        }
        let shellHolds = shell.map { $0.seconds > 0 && $0.seconds <= maximum } ?? false
        let sshdHolds = sshdSeconds.map { $0 <= Double(maximum) } ?? false
        if shellHolds || sshdHolds {
            if let shell, shellHolds, !shell.isReadOnly, !sshdHolds {
                details.append(("note", .text("TMOUT is not read-only: a user can unset it (readonly TMOUT)")))
            }
            return (.pass, details)
        }
        return (.fail, details)
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        bytes >= 1 << 30 ? "\(Double(bytes * 10 / (1 << 30)) / 10) GiB" : "\(bytes >> 20) MiB"
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
