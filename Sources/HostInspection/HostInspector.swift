public import CanhModel

/// Reads everything the host checks judge from one host root.
public enum HostInspector {
    /// The units that keep the clock synchronised, under the names distributions give them.
    public static let timeServiceUnits = [
        "chrony.service", "chronyd.service", "systemd-timesyncd.service", "ntp.service", "ntpd.service", "ntpsec.service",
        "openntpd.service",
    ]

    /// The PAM services judged: logins over SSH (lockout) and password changes (quality).
    public static let pamServices = ["sshd", "passwd"]

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
