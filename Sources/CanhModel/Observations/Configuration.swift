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

    /// Why the configuration could not be read; nil when it was.
    public var problem: String? {
        switch self {
        case .read: nil
        case .missing(let why), .unreadable(let why): why
        }
    }
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
