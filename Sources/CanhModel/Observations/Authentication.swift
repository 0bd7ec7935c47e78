/// One line of a PAM stack, after includes are followed.
public struct PAMEntry: Sendable, Hashable {
    /// `auth`, `account`, `password` or `session`.
    public var type: String
    /// `required`, `[success=1 default=ignore]`…
    public var control: String
    /// The module's file name, e.g. `pam_faillock.so`.
    public var module: String
    public var arguments: [String]
    public var file: String
    public var line: Int

    public init(type: String, control: String, module: String, arguments: [String], file: String, line: Int) {
        self.type = type
        self.control = control
        self.module = module
        self.arguments = arguments
        self.file = file
        self.line = line
    }

    /// The value of `name=value` among the arguments, or "" for a bare `name`; nil if absent.
    public func argument(_ name: String) -> String? {
        for argument in arguments {
            if argument == name { return "" }
            if argument.hasPrefix(name + "=") { return String(argument.dropFirst(name.count + 1)) }
        }
        return nil
    }
}

/// An account that can administer the host (root, or a member of an administrators' group),
/// with its password ageing from /etc/shadow.
public struct AdminAccount: Sendable, Hashable {
    /// Membership of these groups makes an account an administrator (sudo on Debian, wheel on
    /// Red Hat, admin on old Ubuntu).
    public static let administratorGroups = ["sudo", "wheel", "admin", "root"]

    public enum Password: String, Sendable, Hashable {
        /// A usable password hash.
        case set
        /// Locked (`!`, `*`): no password login at all.
        case locked
        /// Empty: login without a password.
        case empty
    }

    public var name: String
    /// The groups that make it an administrator (empty for root).
    public var groups: [String]
    public var password: Password
    /// Maximum password age in days (shadow field 5); nil when unset (never expires).
    public var maximumAgeDays: Int?

    public init(name: String, groups: [String], password: Password, maximumAgeDays: Int?) {
        self.name = name
        self.groups = groups
        self.password = password
        self.maximumAgeDays = maximumAgeDays
    }
}

/// The authentication settings the password and lockout checks judge.
public struct AuthenticationObservation: Sendable, Hashable {
    /// The PAM stack of each service judged (`sshd`, `passwd`), includes followed.
    public var pamStacks: [String: ConfigurationState<[PAMEntry]>]
    public var pwquality: ConfigurationState<EffectiveConfiguration>
    public var faillock: ConfigurationState<EffectiveConfiguration>
    public var loginDefs: ConfigurationState<EffectiveConfiguration>
    public var administrators: ConfigurationState<[AdminAccount]>

    public init(
        pamStacks: [String: ConfigurationState<[PAMEntry]>], pwquality: ConfigurationState<EffectiveConfiguration>,
        faillock: ConfigurationState<EffectiveConfiguration>, loginDefs: ConfigurationState<EffectiveConfiguration>,
        administrators: ConfigurationState<[AdminAccount]>
    ) {
        self.pamStacks = pamStacks
        self.pwquality = pwquality
        self.faillock = faillock
        self.loginDefs = loginDefs
        self.administrators = administrators
    }

    public static let empty = AuthenticationObservation(
        pamStacks: [:], pwquality: .read(.init()), faillock: .read(.init()), loginDefs: .read(.init()), administrators: .read([]))
}
