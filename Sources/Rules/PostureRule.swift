public import CanhModel

/// What a certificate, endpoint or key-file rule reads.
public enum PostureSubject: String, Sendable, Hashable, CaseIterable {
    case certificate
    case endpoint
    case keyFile = "key_file"
    case host
}

/// The state checks of SPEC §7 on certificates, endpoints and key files. Each judges one
/// observation and reports `pass`, `fail` or `error`, so compliance can be shown.
public enum PostureCheck: Sendable, Hashable {
    case certificateExpired
    case certificateExpiring(days: Parameterized<Int>)
    case certificateNotYetValid
    case certificateWeakKey(minRSABits: Parameterized<Int>, minECBits: Parameterized<Int>)
    case certificateWeakSignature(forbiddenHashes: Parameterized<[String]>)
    case certificateSelfSigned
    case certificateUntrustedChain
    case certificateHostnameMismatch
    case certificateRevoked
    /// Certificate and key inputs that could not be read or parsed (`error` records only).
    case certificateUnreadable
    case endpointLegacyProtocol(allowed: Parameterized<[String]>)
    case endpointWeakCipher(classes: Parameterized<[String]>)
    case keyFileExposed
    /// sshd's PermitRootLogin, globally and in Match blocks, against the values allowed.
    case hostRootLogin(allowed: Parameterized<[String]>)
    /// Password or keyboard-interactive SSH logins without a second factor.
    case hostPasswordAuthentication
    /// journald keeping logs only in memory (or nowhere).
    case hostStorageVolatile
    /// None of these time synchronisation units enabled.
    case hostTimeSyncDisabled(units: Parameterized<[String]>)
    /// Any of these units enabled, or, with an inetd enabled, any of these inetd services.
    case hostInsecureServices(units: Parameterized<[String]>, inetdServices: Parameterized<[String]>)
    /// Administrators logging in over SSH without a second factor.
    case hostAdminMFA
    /// Interactive sessions not ended after this many idle seconds (shell TMOUT, sshd
    /// ChannelTimeout).
    case hostIdleTimeout(maximumSeconds: Parameterized<Int>)
    /// Password length, classes (unless a second factor is required), history and the maximum
    /// age of administrators' passwords.
    case hostPasswordPolicy(
        minimumLength: Parameterized<Int>, minimumClasses: Parameterized<Int>, minimumLengthWithMFA: Parameterized<Int>,
        history: Parameterized<Int>, adminMaximumAgeDays: Parameterized<Int>)
    /// journald's limits and the journal present against the days of logs required.
    case hostRetention(days: Parameterized<Int>)
    /// pam_faillock in the SSH login stack, with its threshold and unlock time.
    case hostLockout(maximumFailures: Parameterized<Int>, minimumUnlockSeconds: Parameterized<Int>)
    /// None of these anti-malware units (ClamAV, an agency's EDR) enabled.
    case hostMalwareProtection(units: Parameterized<[String]>)
    /// ClamAV's newest signature database built longer ago than this many days.
    case hostSignaturesStale(maximumAgeDays: Parameterized<Int>)
    /// auditd not enabled, or its rules not recording program execution and writes to these files.
    case hostAuditRules(watchedFiles: Parameterized<[String]>)
    /// No enabled service sends the logs to another machine.
    case hostLogForwarding
    /// journald not sealing the journal (Forward Secure Sealing) with a key.
    case hostLogSealing
    /// No enabled firewall denies inbound traffic by default, for IPv4 and IPv6.
    case hostFirewall
    /// sshd's effective ciphers, MACs, key exchange or host key algorithms include one of these
    /// (glob patterns).
    case hostSSHCrypto(weakAlgorithms: Parameterized<[String]>)
    /// Per account: a password stored with one of these schemes or without a salt; and
    /// /etc/shadow readable beyond root and the shadow group.
    case hostPasswordHash(weakSchemes: Parameterized<[String]>)
    /// The operating system's end of support, from a table of `ID VERSION YYYY-MM-DD SOURCE`,
    /// past or within the warning days.
    case hostEndOfLife(endOfSupport: Parameterized<[String]>, warningDays: Parameterized<Int>)
    /// Security updates the package manager knows of and has not installed.
    case hostSecurityUpdates
    /// The security suites' package lists older than this many days (or absent).
    case hostPackageLists(maximumAgeDays: Parameterized<Int>)
    /// Per account: a person's account that can log in and has not for longer than this.
    case hostInactiveAccounts(maximumDays: Parameterized<Int>)

    public var subject: PostureSubject {
        switch self {
        case .endpointLegacyProtocol, .endpointWeakCipher: .endpoint
        case .keyFileExposed: .keyFile
        case .hostRootLogin, .hostPasswordAuthentication, .hostStorageVolatile, .hostTimeSyncDisabled, .hostPasswordPolicy, .hostLockout,
            .hostRetention, .hostInsecureServices, .hostAdminMFA, .hostIdleTimeout, .hostMalwareProtection, .hostSignaturesStale,
            .hostAuditRules, .hostLogForwarding, .hostLogSealing, .hostFirewall,
            .hostSSHCrypto, .hostPasswordHash, .hostInactiveAccounts, .hostEndOfLife,
            .hostSecurityUpdates, .hostPackageLists:
            .host
        default: .certificate
        }
    }
}

/// A certificate, endpoint or key-file rule: its check and its embedded tests.
public struct PostureRule: Sendable {
    public var check: PostureCheck
    public var tests: [PostureRuleTest]
}

/// A test embedded in a posture rule: one observation, described in the rule file, and the
/// outcome the check must give at a level and time.
public struct PostureRuleTest: Sendable {
    public var name: String
    public var level: Level
    public var now: Timestamp
    public var observations: PostureObservations
    /// nil: the check must produce no record (it does not apply).
    public var expectedOutcome: Outcome?
    public var expectedEvidence: [String: String]
    public var location: SourceLocation
}
