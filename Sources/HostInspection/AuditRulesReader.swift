public import CanhModel

/// The audit rules auditd loads at boot: with files in /etc/audit/rules.d, augenrules joins them
/// in file-name order into /etc/audit/audit.rules and loads that, so the drop-ins are read in
/// that order; without them, /etc/audit/audit.rules as it is. One entry per rule line.
public enum AuditRulesReader {
    public static func read(_ root: HostRoot) -> ConfigurationState<[ConfigSetting]> {
        let dropIns = root.list("/etc/audit/rules.d").filter { $0.hasSuffix(".rules") }.map { "/etc/audit/rules.d/\($0)" }
        let files = dropIns.isEmpty ? ["/etc/audit/audit.rules"] : dropIns
        switch root.presentFiles(files) {
        case .failure(let unreadable): return .unreadable(unreadable.description)
        case .success(let present) where present.isEmpty:
            return .missing("neither /etc/audit/rules.d/*.rules nor /etc/audit/audit.rules exists")
        case .success(let present):
            return .read(
                present.flatMap { file in
                    ConfigLines(file.text).all.map { ConfigSetting(value: $0.text, file: file.path, line: $0.number) }
                })
        }
    }
}
