public import CanhModel
import Foundation

/// Reads everything the host checks judge from one host root.
public enum HostInspector {
    /// The units that keep the clock synchronised, under the names distributions give them.
    public static let timeServiceUnits = [
        "chrony.service", "chronyd.service", "systemd-timesyncd.service", "ntp.service", "ntpd.service", "ntpsec.service",
        "openntpd.service",
    ]

    /// The PAM services judged: logins over SSH (lockout) and password changes (quality).
    public static let pamServices = ["sshd", "passwd"]

    /// The name in the tree's `/etc/hostname` (first line, trimmed), when it has one.
    public static func hostName(_ root: HostRoot) -> String? {
        guard case .text(let text) = root.read("/etc/hostname"),
            let line = text.split(whereSeparator: \.isNewline).first?.trimmingCharacters(in: .whitespaces), !line.isEmpty
        else { return nil }
        return line
    }

    public static func observe(_ root: HostRoot, host: String) -> HostObservation {
        HostObservation(
            host: host, sshd: SSHDConfigReader.read(root),
            journald: SystemdConfigReader.read(root, name: "journald.conf", section: "Journal"),
            hasPersistentJournalDirectory: root.isDirectory("/var/log/journal"),
            timeServices: Dictionary(uniqueKeysWithValues: timeServiceUnits.map { ($0, UnitStateReader.state(of: $0, in: root)) }),
            authentication: AuthenticationObservation(
                pamStacks: Dictionary(uniqueKeysWithValues: pamServices.map { ($0, PAMStackReader.read(service: $0, in: root)) }),
                pwquality: KeyValueConfigReader.pwquality(root), faillock: KeyValueConfigReader.faillock(root),
                loginDefs: KeyValueConfigReader.loginDefs(root), administrators: AdminAccountReader.read(root)))
    }
}
