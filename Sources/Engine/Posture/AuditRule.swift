import CanhModel

/// One rule of auditctl's syntax (auditctl(8)) as far as the audit check needs it: watches
/// (`-w PATH -p PERMS`) and syscall rules on the exit list (`-a always,exit -S execve -F …`).
struct AuditRule: CustomStringConvertible {
    var source: ConfigSetting
    /// `-a` / `-A`: the action (`always`, `never`) and list (`exit`, `task`, …), in either order.
    var action: String?
    var list: String?
    var syscalls: Set<String> = []
    /// `-F name=value` fields, `-F name!=value` kept with its operator in the value.
    var fields: [(name: String, value: String)] = []
    var watch: String?
    /// `-p`; auditctl's default for a watch is every permission.
    var permissions = "rwxa"

    var description: String { source.description }

    init(_ source: ConfigSetting) {
        self.source = source
        let words = source.value.split(whereSeparator: \.isWhitespace).map(String.init)
        var index = 0
        func next() -> String? {
            index += 1
            return index < words.count ? words[index] : nil
        }
        while index < words.count {
            switch words[index] {
            case "-a", "-A":
                for part in (next() ?? "").split(separator: ",").map(String.init) {
                    if ["always", "never"].contains(part) { action = part } else { list = part }
                }
            case "-S": syscalls.formUnion((next() ?? "").split(separator: ",").map(String.init))
            case "-F":
                let field = next() ?? ""
                if let equals = field.firstIndex(of: "=") {
                    fields.append((String(field[..<equals]), String(field[field.index(after: equals)...])))
                }
            case "-w": watch = next()
            case "-p": permissions = next() ?? permissions
            default: break
            }
            index += 1
        }
    }

    /// The rules in force after the files are loaded in order: `-D` deletes every rule before it.
    static func loaded(_ lines: [ConfigSetting]) -> [AuditRule] {
        var rules: [AuditRule] = []
        for line in lines {
            if line.value.split(whereSeparator: \.isWhitespace).first == "-D" {
                rules.removeAll()
            } else {
                rules.append(AuditRule(line))
            }
        }
        return rules
    }

    /// The rule that decides whether execve is recorded: the first exit-list rule naming it (or
    /// `all`) that applies to every call; nil when none does or the first such rule is `never`.
    static func recordingExecution(_ rules: [AuditRule]) -> AuditRule? {
        for rule in rules where rule.list == "exit" && !rule.syscalls.isDisjoint(with: ["execve", "all"]) {
            if rule.action == "always" { return rule }
            // A `never` rule limited by fields excludes only some calls; one without excludes all.
            if rule.action == "never", rule.fields.isEmpty { return nil }
        }
        return nil
    }

    /// A watch, or an exit-list `path=`/`dir=` rule, that records writes to `file` (a watched
    /// directory covers the files in it).
    func watchesWrites(to file: String) -> Bool {
        func covers(_ path: String) -> Bool {
            path == file || (path.hasSuffix("/") ? file.hasPrefix(path) : file.hasPrefix(path + "/"))
        }
        if let watch { return covers(watch) && permissions.contains("w") }
        guard action == "always", list == "exit" else { return false }
        let path = fields.first { $0.name == "path" || $0.name == "dir" }?.value
        let permission = fields.first { $0.name == "perm" }?.value
        return path.map(covers) == true && (permission?.contains("w") ?? false)
    }
}
