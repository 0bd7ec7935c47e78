/// The settings of one service as it reads them: each keyword (lower-case) with the value in
/// force and where it was written.
public struct EffectiveConfiguration: Sendable, Hashable {
    public var settings: [String: ConfigSetting]
    /// The files that were read, in the order the service reads them.
    public var files: [String]

    public init(settings: [String: ConfigSetting] = [:], files: [String] = []) {
        self.settings = settings
        self.files = files
    }

    public subscript(keyword: String) -> ConfigSetting? { settings[keyword.lowercased()] }
}

/// An sshd setting that applies only to some connections (inside a `Match` block).
public struct ConditionalSetting: Sendable, Hashable {
    /// The Match criteria, e.g. `User deploy` or `Address 10.0.0.0/8`.
    public var criteria: String
    public var keyword: String
    public var setting: ConfigSetting

    public init(criteria: String, keyword: String, setting: ConfigSetting) {
        self.criteria = criteria
        self.keyword = keyword
        self.setting = setting
    }
}

/// A configuration source that could not be read as the service reads it.
public enum ConfigurationState<Value: Sendable & Hashable>: Sendable, Hashable {
    case read(Value)
    /// The main file does not exist (the service is not installed, or the host root is wrong).
    case missing(String)
    /// A file exists but cannot be read or parsed: which and why.
    case unreadable(String)
}

/// What sshd reads: the global settings and those of `Match` blocks.
public struct SSHDConfiguration: Sendable, Hashable {
    public var global: EffectiveConfiguration
    public var conditional: [ConditionalSetting]

    public init(global: EffectiveConfiguration, conditional: [ConditionalSetting] = []) {
        self.global = global
        self.conditional = conditional
    }
}

/// Whether a systemd unit starts at boot.
public enum UnitState: Sendable, Hashable, CustomStringConvertible {
    /// A `.wants`/`.requires` link pulls it in: which.
    case enabled(by: String)
    case disabled
    /// Linked to /dev/null: it cannot be started at all.
    case masked
    case notInstalled

    public var isEnabled: Bool { if case .enabled = self { true } else { false } }

    public var description: String {
        switch self {
        case .enabled(let link): "enabled (\(link))"
        case .disabled: "disabled"
        case .masked: "masked"
        case .notInstalled: "not installed"
        }
    }
}

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

    public init(
        host: String, sshd: ConfigurationState<SSHDConfiguration>, journald: ConfigurationState<EffectiveConfiguration>,
        hasPersistentJournalDirectory: Bool, timeServices: [String: UnitState]
    ) {
        self.host = host
        self.sshd = sshd
        self.journald = journald
        self.hasPersistentJournalDirectory = hasPersistentJournalDirectory
        self.timeServices = timeServices
    }
}
