/// What the host checks judge about one machine, read from its configuration files.
public struct HostObservation: Sendable, Hashable {
    public var host: String
    public var sshd: ConfigurationState<SSHDConfiguration>
    public var journald: ConfigurationState<EffectiveConfiguration>
    /// Whether /var/log/journal exists (with `Storage=auto`, journald keeps logs only in memory
    /// without it).
    public var hasPersistentJournalDirectory: Bool
    /// The units installed (or masked) on the host, by name; a unit not listed is not installed.
    public var units: [String: UnitState]
    /// The services /etc/inetd.conf starts (the value is the service name, e.g. `telnet`), for
    /// when an inetd unit is enabled; `.missing` without the file.
    public var inetdServices: ConfigurationState<[ConfigSetting]> = .read([])
    /// Assignments of the shell's idle timeout in the login shells' startup files, in the order
    /// the shell reads them.
    public var shellTimeouts: [ShellTimeout] = []
    public var authentication: AuthenticationObservation
    /// The journal files under /var/log/journal; nil when there are none.
    public var journalRetention: JournalRetention?
    /// The size of the file system holding /var/log/journal (journald's default cap is 10 % of
    /// it, at most 4 GiB); nil when unknown.
    public var journalFileSystemBytes: Int64?
    /// ClamAV's signature databases under /var/lib/clamav; `.missing` when the directory does not
    /// exist (ClamAV is not installed).
    public var signatureDatabases: ConfigurationState<[SignatureDatabase]> = .missing("/var/lib/clamav does not exist")
    /// The audit rules auditd loads, a line each in the order it loads them; `.missing` without
    /// any rules file.
    public var auditRules: ConfigurationState<[ConfigSetting]> = .missing("no audit rules file")
    /// Every remote log destination configured (rsyslog, syslog-ng, systemd-journal-upload),
    /// whether or not its service is enabled.
    public var logForwarders: ConfigurationState<[LogForwarder]> = .read([])
    /// The host firewalls configured (nftables, iptables-persistent, ufw, firewalld), whether or
    /// not they are enabled.
    public var firewalls: ConfigurationState<[FirewallConfiguration]> = .read([])
    /// The installed OpenSSH server's version (`9.2p1`) and where it was read; nil when unknown.
    public var opensshVersion: ConfigSetting?
    /// The local accounts with how their passwords are stored and when they last logged in.
    public var accounts: ConfigurationState<AccountsObservation> = .missing("the accounts were not read")
    /// The operating system and its version.
    public var osRelease: ConfigurationState<OSRelease> = .missing("/etc/os-release was not read")
    /// Installed packages and the security updates the package manager knows of.
    public var packages: ConfigurationState<PackageObservation> = .missing("the package database was not read")
    /// The journal's sealing key (`/var/log/journal/MACHINE-ID/fss`), when one exists.
    public var journalSealingKey: String?

    public init(
        host: String, sshd: ConfigurationState<SSHDConfiguration>, journald: ConfigurationState<EffectiveConfiguration>,
        hasPersistentJournalDirectory: Bool, units: [String: UnitState], authentication: AuthenticationObservation = .empty
    ) {
        self.host = host
        self.sshd = sshd
        self.journald = journald
        self.hasPersistentJournalDirectory = hasPersistentJournalDirectory
        self.units = units
        self.authentication = authentication
    }
}

/// An assignment of the shell's idle timeout, `TMOUT`, in a login shell's startup file.
public struct ShellTimeout: Sendable, Hashable, CustomStringConvertible {
    public var seconds: Int
    /// Declared read-only there (`readonly TMOUT`, `declare -r`): later files and users cannot
    /// change or unset it.
    public var isReadOnly: Bool
    public var file: String
    public var line: Int

    public init(seconds: Int, isReadOnly: Bool, file: String, line: Int) {
        self.seconds = seconds
        self.isReadOnly = isReadOnly
        self.file = file
        self.line = line
    }

    public var description: String { "TMOUT=\(seconds)\(isReadOnly ? " readonly" : "") (\(file):\(line))" }
}
