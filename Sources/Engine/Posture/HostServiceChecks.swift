import CanhModel

/// The host checks that look at services protecting the host and its logs: anti-malware and its
/// signatures, auditd's rules, logs sent elsewhere and the journal's sealing.
extension HostCheck {
    typealias Details = [(String, Evidence.Value)]

    /// The units of ClamAV itself: with one of them installed, missing databases are a failure.
    static let clamAVUnits = ["clamav-daemon.service", "clamav-freshclam.service", "clamd@.service", "clamav-clamonacc.service"]

    static func malwareProtection(_ host: HostObservation, units: [String]) -> (Outcome, Details) {
        let enabled = units.compactMap { unit in host.units[unit].flatMap { $0.isEnabled ? "\(unit) \($0)" : nil } }
        let installed = units.compactMap { unit in host.units[unit].flatMap { $0.isEnabled ? nil : "\(unit) \($0)" } }
        var details: Details = [("enabled", .list(enabled)), ("looked_for", .list(units))]
        if !installed.isEmpty { details.append(("installed_not_enabled", .list(installed))) }
        return (enabled.isEmpty ? .fail : .pass, details)
    }

    /// nil when ClamAV is not installed: an agency using another product has no databases here.
    static func signaturesStale(_ host: HostObservation, maximumAgeDays maximum: Int, now: Timestamp) -> (Outcome, Details)? {
        let details: Details = [("max_age_days", .number(Int64(maximum)))]
        let clamAVInstalled = clamAVUnits.contains { host.units[$0] != nil }
        let databases: [SignatureDatabase]
        switch host.signatureDatabases {
        case .read(let read): databases = read
        case .missing(let why):
            guard clamAVInstalled else { return nil }
            return (.fail, details + [("problem", .text("ClamAV is installed but \(why): it has no signatures"))])
        case .unreadable(let why): return (.error, details + [("error", .text(why))])
        }
        guard let newest = databases.max(by: { $0.builtAt < $1.builtAt }) else {
            guard clamAVInstalled else { return nil }
            return (.fail, details + [("problem", .text("no signature database (.cvd, .cld) in /var/lib/clamav"))])
        }
        let age = now.since(newest.builtAt)
        let all =
            details + [
                ("databases", .list(databases.map(\.description))), ("newest_built", .text(newest.builtAt.iso8601)),
                ("age_days", .number(age.wholeDays)),
            ]
        return (age > .days(Int64(maximum)) ? .fail : .pass, all)
    }

    static func auditRules(_ host: HostObservation, watchedFiles: [String]) -> (Outcome, Details) {
        let auditd = host.units["auditd.service"]
        var details: Details = [("auditd", .text(auditd?.description ?? "not installed"))]
        var problems: [String] = []
        if auditd?.isEnabled != true { problems.append("auditd.service is \(auditd?.description ?? "not installed")") }
        switch host.auditRules {
        case .unreadable(let why): return (.error, details + [("error", .text(why))])
        case .missing(let why): problems.append(why)
        case .read(let lines):
            let rules = AuditRule.loaded(lines)
            if let execve = AuditRule.recordingExecution(rules) {
                details.append(("execve", .text(execve.description)))
            } else {
                problems.append("no rule records program execution (-a always,exit -S execve)")
            }
            var watched: [String] = []
            for file in watchedFiles {
                if let rule = rules.first(where: { $0.watchesWrites(to: file) }) {
                    watched.append("\(file): \(rule)")
                } else {
                    problems.append("writes to \(file) are not recorded")
                }
            }
            details.append(("watched", .list(watched)))
        }
        if !problems.isEmpty { details.append(("problems", .list(problems))) }
        return (problems.isEmpty ? .pass : .fail, details)
    }

    static func logForwarding(_ host: HostObservation) -> (Outcome, Details) {
        guard case .read(let forwarders) = host.logForwarders else {
            return (.error, [("error", .text(host.logForwarders.problem ?? ""))])
        }
        let sending = forwarders.filter { host.units[$0.unit]?.isEnabled == true }
        var details: Details = [("forwarding", .list(sending.map(\.description)))]
        let idle = forwarders.filter { host.units[$0.unit]?.isEnabled != true }
        if !idle.isEmpty {
            details.append(
                (
                    "configured_not_enabled",
                    .list(idle.map { "\($0) — \($0.unit) is \(host.units[$0.unit]?.description ?? "not installed")" })
                ))
        }
        if sending.isEmpty {
            details.append(("problem", .text("no enabled rsyslog, syslog-ng or systemd-journal-upload sends the logs to another machine")))
        }
        return (sending.isEmpty ? .fail : .pass, details)
    }

    static func logSealing(_ host: HostObservation) -> (Outcome, Details) {
        guard case .read(let journald) = host.journald else { return (.error, [("error", .text(host.journald.problem ?? ""))]) }
        let seal = journald["Seal"]
        var details: Details = [
            ("seal", .text(seal?.description ?? "yes (journald default)")),
            ("sealing_key", .text(host.journalSealingKey ?? "none (journalctl --setup-keys was never run)")),
        ]
        var problems: [String] = []
        if let seal, !SystemdValues.isTrue(seal.value) { problems.append("Seal=\(seal.value) (\(seal.file):\(seal.line))") }
        if host.journalSealingKey == nil { problems.append("no sealing key: the journal is not sealed") }
        let storage = journald["Storage"]?.value.lowercased() ?? "auto"
        if storage == "volatile" || storage == "none" || (storage == "auto" && !host.hasPersistentJournalDirectory) {
            problems.append("the journal is not kept on disk, so it is never sealed")
        }
        if !problems.isEmpty { details.append(("problems", .list(problems))) }
        return (problems.isEmpty ? .pass : .fail, details)
    }
}
