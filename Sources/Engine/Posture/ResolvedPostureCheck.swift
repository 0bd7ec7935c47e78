import CanhModel
import Rules

/// What one check concluded about one entity.
struct PostureJudgement {
    var entity: String
    var outcome: Outcome
    var evidence: Evidence
    /// When the check grades its failures (an end of support near or past), else the rule's.
    var severity: Severity? = nil
}

/// A posture check with its settings resolved at one level.
enum ResolvedPostureCheck: Sendable {
    case certificate(CertificateCheck)
    case unreadable
    case endpoint(EndpointCheck)
    case keyFileExposed
    case host(HostCheck)
    case authentication(AuthenticationCheck)
    case accounts(AccountCheck)

    init(_ check: PostureCheck, rule: Rule, level: Level) throws(RuleFileProblem) {
        let resolver = ParameterResolver(rule: rule, level: level)
        switch check {
        case .certificateExpired: self = .certificate(.expired)
        case .certificateExpiring(let days): self = .certificate(.expiring(days: try resolver.int(days)))
        case .certificateNotYetValid: self = .certificate(.notYetValid)
        case .certificateWeakKey(let minRSABits, let minECBits):
            self = .certificate(.weakKey(minRSABits: try resolver.int(minRSABits), minECBits: try resolver.int(minECBits)))
        case .certificateWeakSignature(let forbiddenHashes):
            let hashes = try resolver.list(forbiddenHashes).map { $0.lowercased() }
            self = .certificate(.weakSignature(forbiddenHashes: Set(hashes)))
        case .certificateSelfSigned: self = .certificate(.selfSigned)
        case .certificateUntrustedChain: self = .certificate(.untrustedChain)
        case .certificateHostnameMismatch: self = .certificate(.hostnameMismatch)
        case .certificateRevoked: self = .certificate(.revoked)
        case .certificateUnreadable: self = .unreadable
        case .endpointLegacyProtocol(let allowed):
            let versions = try Self.known(resolver.list(allowed), among: TLSNames.protocolVersions, rule: rule, setting: "allowed")
            self = .endpoint(.legacyProtocol(allowed: versions))
        case .endpointWeakCipher(let classes):
            let names = try Self.known(resolver.list(classes), among: TLSNames.weakCipherClasses, rule: rule, setting: "classes")
            self = .endpoint(.weakCipher(classes: names))
        case .keyFileExposed: self = .keyFileExposed
        case .hostRootLogin(let allowed):
            let values = try Self.known(
                resolver.list(allowed), among: ["no", "prohibit-password", "without-password", "forced-commands-only", "yes"], rule: rule,
                setting: "allowed")
            self = .host(.rootLogin(allowed: values))
        case .hostPasswordAuthentication: self = .host(.passwordAuthentication)
        case .hostStorageVolatile: self = .host(.storageVolatile)
        case .hostTimeSyncDisabled(let units): self = .host(.timeSyncDisabled(units: try resolver.list(units)))
        case .hostInsecureServices(let units, let inetdServices):
            self = .host(.insecureServices(units: try resolver.list(units), inetdServices: try resolver.list(inetdServices)))
        case .hostAdminMFA: self = .host(.adminMFA)
        case .hostIdleTimeout(let seconds): self = .host(.idleTimeout(maximumSeconds: try resolver.int(seconds)))
        case .hostRetention(let days): self = .host(.retention(days: try resolver.int(days)))
        case .hostMalwareProtection(let units): self = .host(.malwareProtection(units: try resolver.list(units)))
        case .hostSignaturesStale(let days): self = .host(.signaturesStale(maximumAgeDays: try resolver.int(days)))
        case .hostAuditRules(let files): self = .host(.auditRules(watchedFiles: try resolver.list(files)))
        case .hostLogForwarding: self = .host(.logForwarding)
        case .hostLogSealing: self = .host(.logSealing)
        case .hostFirewall: self = .host(.firewall)
        case .hostSSHCrypto(let weak): self = .host(.sshCrypto(weakPatterns: try resolver.list(weak)))
        case .hostPasswordHash(let schemes): self = .accounts(.passwordHash(weakSchemes: try resolver.list(schemes)))
        case .hostInactiveAccounts(let days): self = .accounts(.inactive(maximumDays: try resolver.int(days)))
        case .hostSecurityUpdates: self = .host(.securityUpdates)
        case .hostPackageLists(let days): self = .host(.packageLists(maximumAgeDays: try resolver.int(days)))
        case .hostEndOfLife(let table, let warning):
            self = .host(
                .endOfLife(table: try SupportEnd.parse(try resolver.list(table), rule: rule), warningDays: try resolver.int(warning)))
        case .hostPasswordPolicy(let length, let classes, let lengthWithMFA, let history, let maximumAge):
            self = .authentication(
                .passwordPolicy(
                    .init(
                        minimumLength: try resolver.int(length), minimumClasses: try resolver.count(classes),
                        minimumLengthWithMFA: try resolver.int(lengthWithMFA), history: try resolver.count(history),
                        adminMaximumAgeDays: try resolver.int(maximumAge))))
        case .hostLockout(let failures, let unlock):
            self = .authentication(.lockout(maximumFailures: try resolver.int(failures), minimumUnlockSeconds: try resolver.int(unlock)))
        }
        if let unused = resolver.unusedParameters().first { throw unused }
    }

    private static func known(_ values: [String], among names: [String], rule: Rule, setting: String) throws(RuleFileProblem) -> [String] {
        if let unknown = values.first(where: { !names.contains($0) }) {
            throw RuleFileProblem(
                location: rule.location, field: "\(rule.id).settings.\(setting)",
                message: "\"\(unknown)\" is not one of: \(names.joined(separator: ", "))")
        }
        return values
    }

    func judge(_ observations: PostureObservations, at now: Timestamp) -> [PostureJudgement] {
        switch self {
        case .certificate(let check):
            return observations.certificates.compactMap { check.judge($0, at: now) }
        case .unreadable:
            return observations.unreadable.map { input in
                PostureJudgement(
                    entity: input.path, outcome: .error,
                    evidence: Evidence([("path", .text(input.path)), ("error", .text(input.reason))]))
            }
        case .endpoint(let check):
            return observations.endpoints.map { check.judge($0) }
        case .keyFileExposed:
            return observations.keyFiles.map(KeyFileCheck.judge)
        case .host(let check):
            return observations.host.flatMap { check.judge($0, at: now) }.map { [$0] } ?? []
        case .authentication(let check):
            return observations.host.map { [check.judge($0)] } ?? []
        case .accounts(let check):
            return observations.host.map { check.judge($0, at: now) } ?? []
        }
    }
}
