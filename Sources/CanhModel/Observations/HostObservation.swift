/// What the host checks judge about one machine, read from its configuration files.
public struct HostObservation: Sendable, Hashable {
    public var host: String
    public var sshd: ConfigurationState<SSHDConfiguration>
    public var journald: ConfigurationState<EffectiveConfiguration>
    /// Whether /var/log/journal exists (with `Storage=auto`, journald keeps logs only in memory
    /// without it).
    public var hasPersistentJournalDirectory: Bool
    /// The time synchronisation services Canh knows, by unit name.
    public var timeServices: [String: UnitState]
    public var authentication: AuthenticationObservation
    /// The journal files under /var/log/journal; nil when there are none.
    public var journalRetention: JournalRetention?
    /// The size of the file system holding /var/log/journal (journald's default cap is 10 % of
    /// it, at most 4 GiB); nil when unknown.
    public var journalFileSystemBytes: Int64?

    public init(
        host: String, sshd: ConfigurationState<SSHDConfiguration>, journald: ConfigurationState<EffectiveConfiguration>,
        hasPersistentJournalDirectory: Bool, timeServices: [String: UnitState], authentication: AuthenticationObservation = .empty
    ) {
        self.host = host
        self.sshd = sshd
        self.journald = journald
        self.hasPersistentJournalDirectory = hasPersistentJournalDirectory
        self.timeServices = timeServices
        self.authentication = authentication
    }
}
