import CanhModel

/// Parses the part of a certificate, endpoint or key-file rule that follows the common keys:
/// `check`, `settings` and the embedded tests.
enum PostureRuleParser {
    /// Checks by subject, with the settings each takes.
    static let checks: [PostureSubject: [String: [String]]] = [
        .certificate: [
            "expired": [], "expiring": ["days"], "not_yet_valid": [], "weak_key": ["min_rsa_bits", "min_ec_bits"],
            "weak_signature": ["forbidden_hashes"], "self_signed": [], "untrusted_chain": [], "hostname_mismatch": [],
            "revoked": [], "unreadable": [],
        ],
        .endpoint: ["legacy_protocol": ["allowed"], "weak_cipher": ["classes"]],
        .keyFile: ["exposed": []],
        .host: [
            "root_login": ["allowed"], "password_auth": [], "storage_volatile": [], "time_sync_disabled": ["units"],
            "insecure_services": ["units", "inetd_services"], "admin_mfa": [], "idle_timeout": ["max_seconds"],
            "password_policy": ["min_length", "min_classes", "min_length_with_mfa", "history", "admin_max_age_days"],
            "lockout": ["max_failures", "min_unlock_seconds"], "retention": ["days"], "malware_protection": ["units"],
            "signatures_stale": ["max_age_days"], "audit_rules": ["watched_files"], "log_forwarding": [], "log_sealing": [], "firewall": [],
            "ssh_weak_crypto": ["weak_algorithms"], "password_hash": ["weak_schemes"], "inactive_accounts": ["max_days"],
            "end_of_life": ["end_of_support", "warning_days"], "security_updates": [], "package_lists": ["max_age_days"],
        ],
    ]

    static func parse(_ rule: YAMLMapping, subject: PostureSubject, levels: [Level]) throws(RuleFileProblem) -> PostureRule {
        let checkNode = try rule.required("check")
        let name = try checkNode.string()
        guard let settingNames = checks[subject]?[name] else {
            let known = (checks[subject] ?? [:]).keys.sorted().joined(separator: ", ")
            throw checkNode.problem("unknown \(subject.rawValue) check \"\(name)\"; expected one of: \(known)")
        }
        if settingNames.isEmpty, let settingsNode = rule["settings"] {
            throw settingsNode.problem("the \(name) check takes no settings")
        }
        let settings = settingNames.isEmpty ? nil : try rule.required("settings").mapping(allowed: settingNames)
        func setting(_ key: String) throws(RuleFileProblem) -> YAMLNode {
            guard let settings else { throw checkNode.problem("the \(name) check takes no settings") }
            return try settings.required(key)
        }
        let count = { (node: YAMLNode) throws(RuleFileProblem) -> Int in try node.integer(in: 1...1_000_000) }
        let list = { (node: YAMLNode) throws(RuleFileProblem) -> [String] in try node.stringList() }

        let check: PostureCheck
        switch (subject, name) {
        case (.certificate, "expired"): check = .certificateExpired
        case (.certificate, "expiring"): check = .certificateExpiring(days: try setting("days").parameterized(count))
        case (.certificate, "not_yet_valid"): check = .certificateNotYetValid
        case (.certificate, "weak_key"):
            check = .certificateWeakKey(
                minRSABits: try setting("min_rsa_bits").parameterized(count), minECBits: try setting("min_ec_bits").parameterized(count))
        case (.certificate, "weak_signature"):
            check = .certificateWeakSignature(forbiddenHashes: try setting("forbidden_hashes").parameterized(list))
        case (.certificate, "self_signed"): check = .certificateSelfSigned
        case (.certificate, "untrusted_chain"): check = .certificateUntrustedChain
        case (.certificate, "hostname_mismatch"): check = .certificateHostnameMismatch
        case (.certificate, "revoked"): check = .certificateRevoked
        case (.certificate, _): check = .certificateUnreadable
        case (.endpoint, "legacy_protocol"): check = .endpointLegacyProtocol(allowed: try setting("allowed").parameterized(list))
        case (.endpoint, _): check = .endpointWeakCipher(classes: try setting("classes").parameterized(list))
        case (.keyFile, _): check = .keyFileExposed
        case (.host, "root_login"): check = .hostRootLogin(allowed: try setting("allowed").parameterized(list))
        case (.host, "password_auth"): check = .hostPasswordAuthentication
        case (.host, "storage_volatile"): check = .hostStorageVolatile
        case (.host, "retention"): check = .hostRetention(days: try setting("days").parameterized(count))
        case (.host, "password_policy"):
            let number = { (node: YAMLNode) throws(RuleFileProblem) -> Int in try node.integer(in: 0...1_000_000) }
            check = .hostPasswordPolicy(
                minimumLength: try setting("min_length").parameterized(count),
                minimumClasses: try setting("min_classes").parameterized(number),
                minimumLengthWithMFA: try setting("min_length_with_mfa").parameterized(count),
                history: try setting("history").parameterized(number),
                adminMaximumAgeDays: try setting("admin_max_age_days").parameterized(count))
        case (.host, "lockout"):
            check = .hostLockout(
                maximumFailures: try setting("max_failures").parameterized(count),
                minimumUnlockSeconds: try setting("min_unlock_seconds").parameterized(count))
        case (.host, "time_sync_disabled"): check = .hostTimeSyncDisabled(units: try setting("units").parameterized(list))
        case (.host, "insecure_services"):
            check = .hostInsecureServices(
                units: try setting("units").parameterized(list), inetdServices: try setting("inetd_services").parameterized(list))
        case (.host, "admin_mfa"): check = .hostAdminMFA
        case (.host, "malware_protection"): check = .hostMalwareProtection(units: try setting("units").parameterized(list))
        case (.host, "signatures_stale"): check = .hostSignaturesStale(maximumAgeDays: try setting("max_age_days").parameterized(count))
        case (.host, "audit_rules"): check = .hostAuditRules(watchedFiles: try setting("watched_files").parameterized(list))
        case (.host, "log_forwarding"): check = .hostLogForwarding
        case (.host, "log_sealing"): check = .hostLogSealing
        case (.host, "firewall"): check = .hostFirewall
        case (.host, "security_updates"): check = .hostSecurityUpdates
        case (.host, "package_lists"): check = .hostPackageLists(maximumAgeDays: try setting("max_age_days").parameterized(count))
        case (.host, "end_of_life"):
            check = .hostEndOfLife(
                endOfSupport: try setting("end_of_support").parameterized(list),
                warningDays: try setting("warning_days").parameterized(count))
        case (.host, "password_hash"): check = .hostPasswordHash(weakSchemes: try setting("weak_schemes").parameterized(list))
        case (.host, "inactive_accounts"): check = .hostInactiveAccounts(maximumDays: try setting("max_days").parameterized(count))
        case (.host, "ssh_weak_crypto"): check = .hostSSHCrypto(weakAlgorithms: try setting("weak_algorithms").parameterized(list))
        case (.host, _): check = .hostIdleTimeout(maximumSeconds: try setting("max_seconds").parameterized(count))
        }

        let testsNode = try rule.required("tests")
        var tests: [PostureRuleTest] = []
        for testNode in try testsNode.sequence() {
            tests.append(try PostureRuleTestParser.parse(testNode, subject: subject, ruleLevels: levels))
        }
        let outcomes = Set(tests.map(\.expectedOutcome))
        let failing: Outcome = check == .certificateUnreadable ? .error : .fail
        guard outcomes.contains(failing), outcomes.contains(where: { $0 != failing }) else {
            throw testsNode.problem(
                "needs at least one test that expects \(failing.rawValue) and one that expects something else (pass, error or none)")
        }
        return PostureRule(check: check, tests: tests)
    }
}
