/// Where a Sigma log source's events are in the journal: the fields that select them, and
/// whether their fields are auditd's `key=value` text.
struct JournalSource {
    /// Exact field values every entry of the source has (SYSLOG_IDENTIFIER and the _COMM that
    /// journald sets from the process, so `logger -t sshd` is not sshd).
    var fields: [(field: String, values: [String])]
    var isAudit: Bool
    /// For the rule id: `sshd`, `auditd`, `linux`.
    var name: String

    static func of(product: String?, service: String?, category: String?) throws(SigmaImportError) -> JournalSource {
        guard product?.lowercased() == "linux" else {
            throw .notImportable("log source product \(product ?? "(none)") is not Linux; only Linux logs reach the journal")
        }
        if let category {
            throw .notImportable(
                "log source category \(category) needs a process, file or network event source (Sysmon for Linux, eBPF); the journal has none"
            )
        }
        func program(_ identifiers: [String], comm: [String]? = nil) -> [(String, [String])] {
            [("SYSLOG_IDENTIFIER", identifiers)] + (comm.map { [("_COMM", $0)] } ?? [])
        }
        switch service?.lowercased() {
        case nil, "syslog": return JournalSource(fields: [], isAudit: false, name: "linux")
        case "sshd":
            return JournalSource(fields: program(["sshd", "sshd-session"], comm: ["sshd", "sshd-session"]), isAudit: false, name: "sshd")
        case "sudo": return JournalSource(fields: program(["sudo"], comm: ["sudo"]), isAudit: false, name: "sudo")
        // auth.log: the auth and authpriv facilities.
        case "auth": return JournalSource(fields: [("SYSLOG_FACILITY", ["4", "10"])], isAudit: false, name: "auth")
        case "cron": return JournalSource(fields: program(["CRON", "cron", "crond"]), isAudit: false, name: "cron")
        case "clamav": return JournalSource(fields: program(["clamd", "freshclam", "clamav-milter"]), isAudit: false, name: "clamav")
        case "vsftpd": return JournalSource(fields: program(["vsftpd"], comm: ["vsftpd"]), isAudit: false, name: "vsftpd")
        // journald's audit transport: SYSLOG_IDENTIFIER=audit, _AUDIT_TYPE_NAME, "MESSAGE=TYPE key=value …".
        case "auditd":
            return JournalSource(fields: [("SYSLOG_IDENTIFIER", ["audit"]), ("_TRANSPORT", ["audit"])], isAudit: true, name: "auditd")
        case let other?:
            throw .notImportable(
                "log source service \(other) is not one the journal carries (sshd, sudo, auth, syslog, cron, clamav, vsftpd, auditd)")
        }
    }
}
