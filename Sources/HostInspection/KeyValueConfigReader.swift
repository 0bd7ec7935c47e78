public import CanhModel

/// Reads the simple `key value` and `key = value` files of shadow-utils and libpwquality /
/// pam_faillock, with their `NAME.d/*.conf` drop-ins read after the main file (the last value
/// wins, as those libraries read them).
public enum KeyValueConfigReader {
    /// `/etc/login.defs`: `KEY value`, keys case-sensitive (upper case by convention).
    public static func loginDefs(_ root: HostRoot) -> ConfigurationState<EffectiveConfiguration> {
        read(root, main: "/etc/login.defs", dropIns: nil, separator: nil)
    }

    /// `/etc/security/pwquality.conf` and `pwquality.conf.d/*.conf`.
    public static func pwquality(_ root: HostRoot) -> ConfigurationState<EffectiveConfiguration> {
        read(root, main: "/etc/security/pwquality.conf", dropIns: "/etc/security/pwquality.conf.d", separator: "=")
    }

    /// `/etc/security/faillock.conf`; flags without a value (`even_deny_root`) read as "".
    public static func faillock(_ root: HostRoot) -> ConfigurationState<EffectiveConfiguration> {
        read(root, main: "/etc/security/faillock.conf", dropIns: nil, separator: "=")
    }

    private static func read(_ root: HostRoot, main: String, dropIns: String?, separator: Character?) -> ConfigurationState<
        EffectiveConfiguration
    > {
        var files = [main]
        if let dropIns { files += root.list(dropIns).filter { $0.hasSuffix(".conf") }.map { "\(dropIns)/\($0)" } }
        var settings: [String: ConfigSetting] = [:]
        let present: [(path: String, text: String)]
        switch root.presentFiles(files) {
        case .success(let files): present = files
        case .failure(let unreadable): return .unreadable(unreadable.description)
        }
        for (file, text) in present {
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(rawLine.prefix { $0 != "#" }).trimmingSpaces
                guard !line.isEmpty else { continue }
                let key: String
                let value: String
                if let separator, let position = line.firstIndex(of: separator) {
                    key = String(line[..<position]).trimmingSpaces
                    value = String(line[line.index(after: position)...]).trimmingSpaces
                } else {
                    let parts = line.split(maxSplits: 1, whereSeparator: \.isWhitespace)
                    key = String(parts[0])
                    value = parts.count > 1 ? String(parts[1]).trimmingSpaces : ""
                }
                settings[key.lowercased()] = ConfigSetting(value: value, file: file, line: index + 1)
            }
        }
        return .read(EffectiveConfiguration(settings: settings, files: present.map(\.path)))
    }
}
