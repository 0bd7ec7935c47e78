import CanhModel

/// Parses the `host:` observation of a host rule's test: the settings in force, written as the
/// service's own keywords, with everything else at its default.
///
/// ```yaml
/// host:
///   sshd: {PermitRootLogin: "yes"}                  # global settings (sshd_config)
///   sshd_match: {"User deploy": {PermitRootLogin: "yes"}}
///   sshd_state: missing                            # or "unreadable: WHY"
///   journald: {Storage: volatile}
///   journal_directory: false                       # /var/log/journal (default: exists)
///   units: {chrony.service: enabled}               # enabled | disabled | masked
///   pam: {passwd: ["password requisite pam_pwquality.so minlen=14"]}   # a stack per service
///   pwquality: {minlen: "14"}                      # also faillock:, login_defs:
///   administrators: {root: locked, alice: set 60}  # set [MAX_DAYS] | locked | empty
///   journal: {oldest: 2026-09-01T00:00:00Z, newest: 2026-11-22T00:00:00Z, size: 2G, removed: true}
///   filesystem: 40G                                # the file system holding /var/log/journal
///   inetd: [telnet, ftp]                           # services in /etc/inetd.conf
///   tmout: ["600", "300 readonly"]                 # TMOUT assignments, in the order bash reads them
///   clamav: {daily.cld: 2026-11-20T00:00:00Z}      # signature databases and when each was built
///   clamav_state: missing                          # /var/lib/clamav (default: missing)
///   audit_rules: ["-w /etc/passwd -p wa"]          # rule lines in load order (default: no rules file)
///   forwarders: {rsyslog.service: "@@siem:6514"}   # remote log targets, by the unit that sends them
///   sealing_key: true                              # /var/log/journal/ID/fss exists (default: false)
///   firewalls: {nftables: {units: [nftables.service], chains: ["inet accept; tcp dport 23 drop"]}}
///   accounts: {alice: {password: md5, keys: true, last_login: 2026-10-01T00:00:00Z, changed: 2026-09-01, uid: 1001}}
///   lastlog: none                                  # no login records (default: lastlog2.db)
///   shadow_permissions: "root:shadow 0640"        # also accounts_state
///   packages: {openssl: "3.0.15-1~deb12u1 -> 3.0.17-1~deb12u2"}   # installed -> security candidate
///   security_lists: {bookworm-security: 2026-12-01T00:00:00Z}     # suites and when published; packages_state
///   package_manager: rpm                           # versions in rpm's order, lists are dnf repositories (default: dpkg)
///   os: "debian 11"                                # /etc/os-release ID and VERSION_ID; also os_state
///   openssh: 9.2p1                                 # the installed OpenSSH version (default: unknown)
///   firewalls_state: "unreadable: WHY"             # chains: "FAMILY POLICY[; LAST RULE]"; off: "ENABLED=no"; live: true
/// ```
enum HostTestParser {
    static let testFile = "/etc/test.conf"

    static func host(_ node: YAMLNode) throws(RuleFileProblem) -> HostObservation {
        let mapping = try node.mapping(allowed: [
            "sshd", "sshd_match", "sshd_state", "journald", "journald_state", "journal_directory", "units", "pam", "pwquality", "faillock",
            "login_defs", "administrators", "journal", "filesystem", "inetd", "tmout", "clamav", "clamav_state", "audit_rules",
            "audit_state", "forwarders", "forwarders_state", "sealing_key", "firewalls", "firewalls_state", "openssh",
            "accounts", "accounts_state", "lastlog", "shadow_permissions", "os", "os_state", "packages",
            "security_lists", "packages_state", "package_manager",
        ])
        var sshd = SSHDConfiguration(global: try configuration(mapping["sshd"], file: "/etc/ssh/sshd_config"))
        for (criteria, settingsNode) in try mapping["sshd_match"]?.anyMapping().entries ?? [] {
            for (keyword, setting) in try configuration(settingsNode, file: "/etc/ssh/sshd_config").settings.sorted(by: { $0.key < $1.key })
            {
                sshd.conditional.append(ConditionalSetting(criteria: criteria.text, keyword: keyword, setting: setting))
            }
        }
        var units: [String: UnitState] = [:]
        for (unit, stateNode) in try mapping["units"]?.anyMapping().entries ?? [] {
            switch try stateNode.string() {
            case "enabled": units[unit.text] = .enabled(by: "/etc/systemd/system/multi-user.target.wants/\(unit.text)")
            case "disabled": units[unit.text] = .disabled
            case "masked": units[unit.text] = .masked
            default: throw stateNode.problem("must be enabled, disabled or masked")
            }
        }
        var journal: JournalRetention?
        if let journalNode = mapping["journal"] {
            let fields = try journalNode.mapping(allowed: ["oldest", "newest", "size", "removed"])
            journal = JournalRetention(
                oldestEntry: try fields["oldest"]?.timestamp(), newestEntry: try fields["newest"]?.timestamp(),
                bytes: try fields["size"].map(size) ?? 0, files: 1, olderEntriesRemoved: try fields["removed"]?.boolean() ?? false)
        }
        var observation = HostObservation(
            host: "test-host", sshd: try state(mapping["sshd_state"], read: sshd),
            journald: try state(
                mapping["journald_state"], read: try configuration(mapping["journald"], file: "/etc/systemd/journald.conf")),
            hasPersistentJournalDirectory: try mapping["journal_directory"]?.boolean() ?? true, units: units,
            authentication: try authentication(mapping))
        observation.journalRetention = journal
        observation.journalFileSystemBytes = try mapping["filesystem"].map(size)
        if let inetd = mapping["inetd"] {
            observation.inetdServices = .read(
                try inetd.stringList().enumerated().map { ConfigSetting(value: $1, file: "/etc/inetd.conf", line: $0 + 1) })
        }
        for (index, node) in (try mapping["tmout"]?.sequence() ?? []).enumerated() {
            let words = try node.string().split(separator: " ")
            guard let first = words.first, let seconds = Int(first), words.count == 1 || (words.count == 2 && words[1] == "readonly") else {
                throw node.problem("must be SECONDS or \"SECONDS readonly\"")
            }
            observation.shellTimeouts.append(
                ShellTimeout(seconds: seconds, isReadOnly: words.count == 2, file: "/etc/profile.d/test.sh", line: index + 1))
        }
        try services(mapping, into: &observation)
        return observation
    }

    /// Anti-malware signatures, audit rules, log forwarding and sealing.
    private static func services(_ mapping: YAMLMapping, into observation: inout HostObservation) throws(RuleFileProblem) {
        if let databases = mapping["clamav"] {
            var read: [SignatureDatabase] = []
            for (index, (name, built)) in try databases.anyMapping().entries.enumerated() {
                read.append(
                    SignatureDatabase(
                        file: "/var/lib/clamav/\(name.text)", version: 27_000 + index, signatures: 1_000, builtAt: try built.timestamp()))
            }
            observation.signatureDatabases = try state(mapping["clamav_state"], read: read)
        } else if let stateNode = mapping["clamav_state"] {
            observation.signatureDatabases = try state(stateNode, read: [])
        }
        if let rules = mapping["audit_rules"] {
            let lines = try rules.stringList().enumerated().map {
                ConfigSetting(value: $1, file: "/etc/audit/rules.d/test.rules", line: $0 + 1)
            }
            observation.auditRules = try state(mapping["audit_state"], read: lines)
        } else if let stateNode = mapping["audit_state"] {
            observation.auditRules = try state(stateNode, read: [])
        }
        var forwarders: [LogForwarder] = []
        for (index, (unit, target)) in (try mapping["forwarders"]?.anyMapping().entries ?? []).enumerated() {
            forwarders.append(
                LogForwarder(unit: unit.text, target: ConfigSetting(value: try target.string(), file: testFile, line: index + 1)))
        }
        observation.logForwarders = try state(mapping["forwarders_state"], read: forwarders)
        if try mapping["sealing_key"]?.boolean() == true { observation.journalSealingKey = "/var/log/journal/test/fss" }
        var firewalls: [FirewallConfiguration] = []
        for (name, node) in try mapping["firewalls"]?.anyMapping().entries ?? [] {
            let fields = try node.mapping(allowed: ["units", "chains", "off", "live"])
            var chains: [FirewallConfiguration.InputChain] = []
            for (index, chainNode) in (try fields["chains"]?.sequence() ?? []).enumerated() {
                let parts = try chainNode.string().split(separator: ";", maxSplits: 1).map {
                    String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
                }
                let words = parts[0].split(separator: " ").map(String.init)
                guard words.count == 2, ["inet", "ip", "ip6"].contains(words[0]) else {
                    throw chainNode.problem("a chain is \"FAMILY POLICY[; LAST RULE]\" with FAMILY inet, ip or ip6")
                }
                chains.append(
                    .init(
                        family: words[0], name: "input", policy: ConfigSetting(value: words[1], file: testFile, line: index + 1),
                        lastRule: parts.count == 2 ? ConfigSetting(value: parts[1], file: testFile, line: index + 1) : nil))
            }
            let off = try fields["off"]?.string()
            firewalls.append(
                FirewallConfiguration(
                    name: name.text, units: try fields["units"]?.stringList() ?? [],
                    switchedOff: off.map { ConfigSetting(value: $0, file: testFile, line: 1) }, inputChains: chains,
                    isLive: try fields["live"]?.boolean() ?? false))
        }
        observation.firewalls = try state(mapping["firewalls_state"], read: firewalls)
        observation.accounts = try state(mapping["accounts_state"], read: try accounts(mapping))
        observation.packages = try state(mapping["packages_state"], read: try packages(mapping))
        if let node = mapping["os"] {
            let words = try node.string().split(separator: " ").map(String.init)
            guard words.count == 2 else { throw node.problem("must be \"ID VERSION_ID\", e.g. \"debian 12\"") }
            observation.osRelease = try state(
                mapping["os_state"],
                read: OSRelease(
                    id: words[0], versionID: words[1], prettyName: "",
                    source: ConfigSetting(value: words[1], file: "/etc/os-release", line: 1)))
        } else if let node = mapping["os_state"] {
            observation.osRelease = try state(
                node,
                read: OSRelease(id: "", versionID: "", prettyName: "", source: ConfigSetting(value: "", file: "/etc/os-release", line: 0)))
        }
        if let version = try mapping["openssh"]?.string() {
            observation.opensshVersion = ConfigSetting(value: version, file: "/var/lib/dpkg/status", line: 1)
        }
    }

    /// `true`, `false` (the default) or `unknown` (a home the agent may not look into).
    private static func keys(_ node: YAMLNode?) throws(RuleFileProblem) -> Bool? {
        guard let node else { return false }
        return try node.string() == "unknown" ? nil : try node.boolean()
    }

    /// Accounts: the stored password (`yescrypt`, `md5`, `sha512 unsalted`, `sha512 locked`,
    /// `empty`, `none`), authorized keys, last login and password change, UID and shell.
    private static func accounts(_ mapping: YAMLMapping) throws(RuleFileProblem) -> AccountsObservation {
        var accounts: [LocalAccount] = []
        for (index, (name, node)) in (try mapping["accounts"]?.anyMapping().entries ?? []).enumerated() {
            let fields = try node.mapping(allowed: ["password", "keys", "last_login", "changed", "uid", "shell"])
            let words = try fields["password"]?.string().split(separator: " ").map(String.init) ?? ["yescrypt"]
            let password: LocalAccount.StoredPassword
            switch words.first {
            case "empty": password = .empty
            case "none": password = .none
            case let scheme?: password = .hash(scheme: scheme, salted: !words.contains("unsalted"), locked: words.contains("locked"))
            case nil: throw node.problem("password must be a scheme, empty or none")
            }
            let changed = try fields["changed"]?.timestamp().microsecondsSinceEpoch
            accounts.append(
                LocalAccount(
                    name: name.text, uid: try fields["uid"]?.integer(in: 0...4_294_967_295) ?? 1000 + index,
                    shell: try fields["shell"]?.string() ?? "/bin/bash", password: password,
                    lastPasswordChangeDay: changed.map { Int(TimeSpan(microseconds: $0).wholeDays) },
                    hasAuthorizedKeys: try keys(fields["keys"]),
                    lastLogin: try fields["last_login"]?.timestamp(), shadowLine: index + 1))
        }
        var permissions: AccountsObservation.ShadowPermissions?
        if let node = mapping["shadow_permissions"] {
            let words = try node.string().split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
            guard words.count == 3, let mode = Int(words[2], radix: 8) else { throw node.problem("must be \"OWNER:GROUP MODE\"") }
            permissions = .init(owner: words[0], group: words[1], mode: mode)
        }
        let source: String? = try mapping["lastlog"]?.string() == "none" ? nil : "/var/lib/lastlog/lastlog2.db"
        return AccountsObservation(accounts: accounts, uidMinimum: 1000, lastLoginSource: source, shadowPermissions: permissions)
    }

    /// `{NAME: "INSTALLED -> CANDIDATE"}` and `{SUITE: PUBLISHED}` (a date, or `undated`), in
    /// dpkg's or rpm's terms (`package_manager`).
    private static func packages(_ mapping: YAMLMapping) throws(RuleFileProblem) -> PackageObservation {
        var manager = "dpkg"
        if let node = mapping["package_manager"] {
            manager = try node.string()
            guard manager == "dpkg" || manager == "rpm" else { throw node.problem("must be dpkg or rpm") }
        }
        let version: (String) -> PackageVersion = { manager == "rpm" ? .rpm(RPMVersion($0)) : .debian(DebianVersion($0)) }
        var lists: [PackageObservation.PackageIndex] = []
        for (suite, node) in try mapping["security_lists"]?.anyMapping().entries ?? [] {
            let published = try node.string() == "undated" ? nil : try node.timestamp()
            let file =
                manager == "rpm"
                ? "/var/cache/dnf/\(suite.text)-0123456789abcdef/repodata/test-updateinfo.xml.gz"
                : "/var/lib/apt/lists/test_dists_\(suite.text)_main_binary-amd64_Packages"
            lists.append(.init(suite: suite.text, files: [file], published: published))
        }
        var candidates: [PackageObservation.SecurityCandidate] = []
        for (name, node) in try mapping["packages"]?.anyMapping().entries ?? [] {
            let versions = try node.string().split(separator: " -> ").map(String.init)
            guard versions.count == 2 else { throw node.problem("must be \"INSTALLED -> CANDIDATE\"") }
            candidates.append(
                .init(
                    package: name.text, architecture: manager == "rpm" ? "x86_64" : "amd64", installed: version(versions[0]),
                    candidate: version(versions[1]), suite: lists.first?.suite ?? "test-security"))
        }
        return PackageObservation(manager: manager, installedCount: max(candidates.count, 1), securityLists: lists, candidates: candidates)
    }

    /// `2G`, `500M`, `4096`: bytes, base 1024.
    private static func size(_ node: YAMLNode) throws(RuleFileProblem) -> Int64 {
        let text = try node.string()
        let powers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = text.last, let factor = powers[last], let number = Int64(text.dropLast()) { return number * factor }
        guard let number = Int64(text) else { throw node.problem("must be a size like 500M or 2G") }
        return number
    }

    private static func authentication(_ mapping: YAMLMapping) throws(RuleFileProblem) -> AuthenticationObservation {
        var stacks: [String: ConfigurationState<[PAMEntry]>] = [:]
        for (service, linesNode) in try mapping["pam"]?.anyMapping().entries ?? [] {
            var entries: [PAMEntry] = []
            for (index, lineNode) in try linesNode.sequence().enumerated() {
                let words = try lineNode.string().split(whereSeparator: \.isWhitespace).map(String.init)
                guard words.count >= 3 else { throw lineNode.problem("a PAM line is \"TYPE CONTROL MODULE [ARGUMENTS]\"") }
                entries.append(
                    PAMEntry(
                        type: words[0], control: words[1], module: words[2], arguments: Array(words.dropFirst(3)),
                        file: "/etc/pam.d/\(service.text)", line: index + 1))
            }
            stacks[service.text] = .read(entries)
        }
        var administrators: [AdminAccount] = []
        for (name, stateNode) in try mapping["administrators"]?.anyMapping().entries ?? [] {
            let words = try stateNode.string().split(separator: " ")
            guard let first = words.first, let password = AdminAccount.Password(rawValue: String(first)), words.count <= 2 else {
                throw stateNode.problem("must be set [MAX_DAYS], locked or empty")
            }
            administrators.append(
                AdminAccount(
                    name: name.text, groups: name.text == "root" ? [] : ["sudo"], password: password,
                    maximumAgeDays: words.count == 2 ? Int(words[1]) : nil))
        }
        return AuthenticationObservation(
            pamStacks: stacks, pwquality: .read(try configuration(mapping["pwquality"], file: "/etc/security/pwquality.conf")),
            faillock: .read(try configuration(mapping["faillock"], file: "/etc/security/faillock.conf")),
            loginDefs: .read(try configuration(mapping["login_defs"], file: "/etc/login.defs")), administrators: .read(administrators))
    }

    private static func configuration(_ node: YAMLNode?, file: String) throws(RuleFileProblem) -> EffectiveConfiguration {
        var settings: [String: ConfigSetting] = [:]
        for (index, (keyword, valueNode)) in (try node?.anyMapping().entries ?? []).enumerated() {
            settings[keyword.text.lowercased()] = ConfigSetting(value: try valueNode.string(), file: file, line: index + 1)
        }
        return EffectiveConfiguration(settings: settings, files: [file])
    }

    private static func state<Value>(_ node: YAMLNode?, read value: Value) throws(RuleFileProblem) -> ConfigurationState<Value> {
        guard let node else { return .read(value) }
        let text = try node.string()
        if text == "missing" { return .missing("the file does not exist") }
        if text.hasPrefix("unreadable") { return .unreadable(String(text.dropFirst("unreadable".count).drop { $0 == ":" || $0 == " " })) }
        throw node.problem("must be missing or \"unreadable: WHY\"")
    }
}
