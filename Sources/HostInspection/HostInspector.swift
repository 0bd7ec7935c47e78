public import CanhModel
import Foundation

/// Reads everything the host checks judge from one host root.
public enum HostInspector {
    /// The PAM services judged: logins over SSH (lockout) and password changes (quality).
    public static let pamServices = ["sshd", "passwd"]

    /// The name in the tree's `/etc/hostname` (first line, trimmed), when it has one.
    public static func hostName(_ root: HostRoot) -> String? {
        guard case .text(let text) = root.read("/etc/hostname"),
            let line = text.split(whereSeparator: \.isNewline).first?.trimmingCharacters(in: .whitespaces), !line.isEmpty
        else { return nil }
        return line
    }

    /// journald seals with the key `journalctl --setup-keys` leaves beside the journal of this
    /// machine (`/var/log/journal/MACHINE-ID/fss`).
    static func journalSealingKey(_ root: HostRoot) -> String? {
        if case .text(let text) = root.read("/etc/machine-id"), let id = text.split(whereSeparator: \.isNewline).first {
            let key = "/var/log/journal/\(id.trimmingSpaces)/fss"
            return root.exists(key) ? key : nil
        }
        return root.list("/var/log/journal").map { "/var/log/journal/\($0)/fss" }.first(where: root.exists)
    }

    public static func observe(_ root: HostRoot, host: String) -> HostObservation {
        var observation = HostObservation(
            host: host, sshd: SSHDConfigReader.read(root),
            journald: SystemdConfigReader.read(root, name: "journald.conf", section: "Journal"),
            hasPersistentJournalDirectory: root.isDirectory("/var/log/journal"),
            units: UnitStateReader.states(in: root),
            authentication: AuthenticationObservation(
                pamStacks: Dictionary(uniqueKeysWithValues: pamServices.map { ($0, PAMStackReader.read(service: $0, in: root)) }),
                pwquality: KeyValueConfigReader.pwquality(root), faillock: KeyValueConfigReader.faillock(root),
                loginDefs: KeyValueConfigReader.loginDefs(root), administrators: AdminAccountReader.read(root)))
        observation.inetdServices = InetdConfigReader.services(root)
        observation.shellTimeouts = ShellProfileReader.timeouts(root)
        observation.signatureDatabases = SignatureDatabaseReader.read(root)
        observation.auditRules = AuditRulesReader.read(root)
        observation.logForwarders = LogForwardingReader.read(root)
        observation.journalSealingKey = journalSealingKey(root)
        observation.firewalls = FirewallReader.read(root)
        observation.opensshVersion = OpenSSHVersionReader.read(root)
        observation.accounts = LocalAccountReader.read(root)
        observation.osRelease = OSReleaseReader.read(root)
        observation.packages = PackageReader.read(root)
        return observation
    }
}
