public import CanhModel

/// Whether systemd units are enabled, from the links `systemctl enable` leaves (no systemd needs
/// to run, so a copied tree or an image is judged like a live host). SysV init scripts count as
/// `NAME.service` units, enabled by an `S` link in /etc/rc2.d–rc5.d, as systemd-sysv-generator
/// makes them.
public enum UnitStateReader {
    static let unitDirectories = [
        "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
    ]
    static let runLevelDirectories = ["/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d"]

    /// Every unit installed on the host (and every masked one), by name.
    public static func states(in root: HostRoot) -> [String: UnitState] {
        var installed: Set<String> = []
        var masked: Set<String> = []
        var enabledBy: [String: String] = [:]
        for directory in unitDirectories {
            for name in root.list(directory) {
                let path = "\(directory)/\(name)"
                if name.hasSuffix(".wants") || name.hasSuffix(".requires") {
                    for unit in root.list(path) where enabledBy[unit] == nil { enabledBy[unit] = "\(path)/\(unit)" }
                } else if root.linkTarget(path) == "/dev/null" {
                    masked.insert(name)
                } else if !root.isDirectory(path) {
                    installed.insert(name)
                }
            }
        }
        for script in root.list("/etc/init.d") where !script.hasPrefix(".") && script != "README" {
            let unit = "\(script).service"
            guard !installed.contains(unit) else { continue }  // a native unit replaces the script
            installed.insert(unit)
            for directory in runLevelDirectories {
                if let link = root.list(directory).first(where: { $0.hasPrefix("S") && $0.dropFirst(3) == script }) {
                    enabledBy[unit] = enabledBy[unit] ?? "\(directory)/\(link)"
                }
            }
        }
        // An enabled instance (clamd@scan.service) of an installed template (clamd@.service).
        for unit in enabledBy.keys where !installed.contains(unit) {
            guard let at = unit.firstIndex(of: "@"), let dot = unit.lastIndex(of: "."), at < dot else { continue }
            if installed.contains(String(unit[...at]) + String(unit[dot...])) { installed.insert(unit) }
        }
        var states: [String: UnitState] = [:]
        for unit in installed.union(masked) {
            states[unit] = masked.contains(unit) ? .masked : enabledBy[unit].map { .enabled(by: $0) } ?? .disabled
        }
        return states
    }

    /// One unit's state; `notInstalled` when no unit file or init script has that name.
    public static func state(of unit: String, in root: HostRoot) -> UnitState {
        states(in: root)[unit] ?? .notInstalled
    }
}
