/// A local account as /etc/passwd, /etc/shadow, its authorized keys and the last-login records
/// describe it. The password hash itself is never kept: only how it is stored.
public struct LocalAccount: Sendable, Hashable {
    public var name: String
    public var uid: Int
    public var shell: String
    public var password: StoredPassword
    /// /etc/shadow's date of the last password change (days since 1970-01-01; 0: must change at
    /// the next login), which is the creation date of an account whose password never changed.
    public var lastPasswordChangeDay: Int?
    /// `~/.ssh/authorized_keys` exists and is not empty; nil when the home cannot be looked
    /// into (the packaged agent's `ProtectHome=yes` hides it).
    public var hasAuthorizedKeys: Bool?
    /// nil: never logged in (or no record).
    public var lastLogin: Timestamp?
    /// Where /etc/shadow describes it.
    public var shadowLine: Int?

    public init(
        name: String, uid: Int, shell: String, password: StoredPassword, lastPasswordChangeDay: Int?, hasAuthorizedKeys: Bool?,
        lastLogin: Timestamp?, shadowLine: Int?
    ) {
        self.name = name
        self.uid = uid
        self.shell = shell
        self.password = password
        self.lastPasswordChangeDay = lastPasswordChangeDay
        self.hasAuthorizedKeys = hasAuthorizedKeys
        self.lastLogin = lastLogin
        self.shadowLine = shadowLine
    }

    /// A shell someone can log in to (not nologin, false, sync…).
    public var hasLoginShell: Bool {
        !shell.isEmpty
            && !["nologin", "false", "sync", "shutdown", "halt"].contains(shell.split(separator: "/").last.map(String.init) ?? "")
    }

    /// How an account's password is stored in /etc/shadow.
    public enum StoredPassword: Sendable, Hashable, CustomStringConvertible {
        /// An empty field: no password is asked.
        case empty
        /// `*`, `!`, `!!`: no password can be used.
        case none
        /// A crypt(5) hash: its scheme (`yescrypt`, `sha512`, `md5`, `des`…), whether it has a
        /// salt, and whether a leading `!` locks it for now.
        case hash(scheme: String, salted: Bool, locked: Bool)

        public var isUsable: Bool {
            switch self {
            case .empty: true
            case .none: false
            case .hash(_, _, let locked): !locked
            }
        }

        public var description: String {
            switch self {
            case .empty: "empty (no password asked)"
            case .none: "no password (locked)"
            case .hash(let scheme, let salted, let locked): "\(scheme)\(salted ? "" : " without salt")\(locked ? ", locked with !" : "")"
            }
        }
    }
}

/// The local accounts and what decides which of them are people's: UID_MIN, where the last
/// logins were read, and who may read /etc/shadow.
public struct AccountsObservation: Sendable, Hashable {
    public var accounts: [LocalAccount]
    /// login.defs' UID_MIN (1000 when unset): accounts below it are the system's own.
    public var uidMinimum: Int
    /// `/var/lib/lastlog/lastlog2.db`, `/var/log/lastlog`, or nil when neither exists.
    public var lastLoginSource: String?
    /// /etc/shadow's owner, group and mode, as `root:shadow 0640`; nil when unknown.
    public var shadowPermissions: ShadowPermissions?

    public init(accounts: [LocalAccount], uidMinimum: Int, lastLoginSource: String?, shadowPermissions: ShadowPermissions?) {
        self.accounts = accounts
        self.uidMinimum = uidMinimum
        self.lastLoginSource = lastLoginSource
        self.shadowPermissions = shadowPermissions
    }

    public struct ShadowPermissions: Sendable, Hashable, CustomStringConvertible {
        public var owner: String
        public var group: String
        public var mode: Int

        public init(owner: String, group: String, mode: Int) {
            self.owner = owner
            self.group = group
            self.mode = mode
        }

        public var description: String { "\(owner):\(group) 0\(String(mode & 0o7777, radix: 8))" }
    }
}
