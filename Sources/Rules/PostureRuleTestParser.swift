import CanhModel

/// Parses the tests of certificate, endpoint and key-file rules. A test describes one
/// observation with only the properties that matter to it; the rest take sound defaults (a
/// trusted, unrevoked RSA-2048/SHA-256 leaf valid through 2026, an endpoint that accepts nothing
/// weak, a key file of mode 0600).
///
/// ```yaml
/// - name: expired last month
///   now: 2026-11-22T00:00:00Z
///   certificate: {not_after: 2026-10-22T00:00:00Z}
///   expect: fail
/// ```
enum PostureRuleTestParser {
    static let defaultNow = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000 + 86_400 * 180 * 1_000_000)
    static let testFingerprint = String(repeating: "ab", count: 32)
    static let testEndpoint = "portal.example.gov.vn:443"
    static let testKeyPath = "/etc/ssl/private/portal.key"

    static func parse(_ node: YAMLNode, subject: PostureSubject, ruleLevels: [Level]) throws(RuleFileProblem) -> PostureRuleTest {
        let mapping = try node.mapping(allowed: [
            "name", "level", "now", "certificate", "endpoint", "key_file", "unreadable", "host", "expect", "evidence",
        ])
        let name = try mapping.required("name").nonEmptyString()
        let level = try mapping.testLevel(ruleLevels: ruleLevels)
        let now = try mapping["now"]?.timestamp() ?? defaultNow

        var observations = PostureObservations()
        let described = ["certificate", "endpoint", "key_file", "unreadable", "host"].filter { mapping[$0] != nil }
        guard described.count == 1 else {
            throw node.problem("a test describes exactly one of certificate:, endpoint:, key_file:, unreadable: or host:")
        }
        switch described[0] {
        case "certificate": observations.certificates = [try certificate(try mapping.required("certificate"))]
        case "endpoint": observations.endpoints = [try endpoint(try mapping.required("endpoint"))]
        case "key_file": observations.keyFiles = [try keyFile(try mapping.required("key_file"))]
        case "host": observations.host = try HostTestParser.host(try mapping.required("host"))
        default:
            let unreadable = try mapping.required("unreadable").mapping(allowed: ["path", "reason"])
            observations.unreadable = [
                UnreadableInput(
                    path: try unreadable.required("path").nonEmptyString(), reason: try unreadable.required("reason").nonEmptyString())
            ]
        }

        let expectNode = try mapping.required("expect")
        let expectText = try expectNode.string()
        let expected: Outcome?
        if expectText == "none" {
            expected = nil
        } else if let outcome = Outcome(rawValue: expectText) {
            expected = outcome
        } else {
            throw expectNode.problem("must be fail, pass, error or none (the check does not apply)")
        }
        var evidence: [String: String] = [:]
        if let evidenceNode = mapping["evidence"] {
            for (key, valueNode) in try evidenceNode.anyMapping().entries { evidence[key.text] = try valueNode.string() }
        }
        return PostureRuleTest(
            name: name, level: level, now: now, observations: observations, expectedOutcome: expected, expectedEvidence: evidence,
            location: node.location)
    }

    private static func certificate(_ node: YAMLNode) throws(RuleFileProblem) -> CertificateObservation {
        let mapping = try node.mapping(allowed: [
            "subject", "issuer", "not_before", "not_after", "key", "signature", "self_issued", "ca", "chain", "revocation",
            "places", "hostnames",
        ])
        var keyType = CertificateFact.KeyType.rsa
        var keyBits = 2048
        if let keyNode = mapping["key"] {
            // "rsa 2048", "ec 256", "ed25519"
            let parts = try keyNode.string().split(separator: " ")
            guard let first = parts.first, let type = CertificateFact.KeyType(rawValue: String(first)),
                parts.count == 1 || (parts.count == 2 && Int(parts[1]) != nil)
            else { throw keyNode.problem("must be a key type and size like \"rsa 2048\", \"ec 256\" or \"ed25519\"") }
            keyType = type
            keyBits = parts.count == 2 ? Int(parts[1]) ?? 0 : (type == .ed448 ? 456 : 256)
        }
        let subject = try mapping["subject"]?.nonEmptyString() ?? "CN=portal.example.gov.vn"
        let selfIssued = try mapping["self_issued"]?.boolean() ?? false
        let fact = CertificateFact(
            fingerprint: testFingerprint, subject: subject,
            issuer: try mapping["issuer"]?.nonEmptyString() ?? (selfIssued ? subject : "CN=Example CA"), serial: "1000",
            notBefore: try mapping["not_before"]?.timestamp() ?? Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000),
            notAfter: try mapping["not_after"]?.timestamp() ?? Timestamp(microsecondsSinceEpoch: 1_798_761_600_000_000),
            keyType: keyType, keyBits: keyBits, signatureAlgorithm: try mapping["signature"]?.nonEmptyString() ?? "sha256WithRSAEncryption",
            dnsNames: [], ipAddresses: [], isSelfIssued: selfIssued, isCertificateAuthority: try mapping["ca"]?.boolean() ?? false)

        var chain = ChainStatus.trusted
        if let chainNode = mapping["chain"] {
            let text = try chainNode.string()
            if text == "trusted" {
                chain = .trusted
            } else if text.hasPrefix("untrusted") {
                chain = .untrusted(reason(after: "untrusted", in: text) ?? "unable to get local issuer certificate")
            } else {
                throw chainNode.problem("must be trusted or \"untrusted: REASON\"")
            }
        }
        var revocation = selfIssued ? RevocationStatus.notApplicable : .good(source: "http://ocsp.example.gov.vn/")
        if let revocationNode = mapping["revocation"] {
            let text = try revocationNode.string()
            switch text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "" {
            case "good": revocation = .good(source: reason(after: "good", in: text) ?? "http://ocsp.example.gov.vn/")
            case "revoked":
                revocation = .revoked(source: "http://ocsp.example.gov.vn/", reason: reason(after: "revoked", in: text), time: nil)
            case "unknown": revocation = .unknown(reason(after: "unknown", in: text) ?? "the OCSP responder did not answer")
            case "not_applicable": revocation = .notApplicable
            default: throw revocationNode.problem("must be good, \"revoked: REASON\", \"unknown: WHY\" or not_applicable")
            }
        }
        var places: [CertificatePlace] = []
        for placeNode in try mapping["places"]?.sequence() ?? [] {
            let text = try placeNode.nonEmptyString()
            if text.hasPrefix("/") {
                places.append(.file(text))
            } else if let endpoint = Endpoint(parsing: text) {
                places.append(.endpoint(endpoint))
            } else {
                throw placeNode.problem("must be an absolute path or HOST:PORT[@SNI]")
            }
        }
        if places.isEmpty { places = [.file("/etc/ssl/certs/portal.pem")] }
        var hostnames: [HostnameCheck] = []
        if let hostnamesNode = mapping["hostnames"] {
            for (key, valueNode) in try hostnamesNode.anyMapping().entries {
                hostnames.append(HostnameCheck(endpoint: testEndpoint, name: key.text, matches: try valueNode.boolean()))
            }
        }
        return CertificateObservation(certificate: fact, places: places, chain: chain, revocation: revocation, hostnames: hostnames)
    }

    private static func endpoint(_ node: YAMLNode) throws(RuleFileProblem) -> EndpointFact {
        let mapping = try node.mapping(allowed: ["address", "negotiated", "accepts", "failed", "failure", "handshake_failed"])
        let addressText = try mapping["address"]?.nonEmptyString() ?? testEndpoint
        guard let address = Endpoint(parsing: addressText) else { throw node.problem("address must be HOST:PORT[@SNI]") }
        let accepts = Set(try mapping["accepts"]?.stringList() ?? [])
        let failed = Set(try mapping["failed"]?.stringList() ?? [])
        if let failure = try mapping["failure"]?.nonEmptyString() { return EndpointFact(endpoint: address, failure: failure) }
        func result(_ name: String) -> ProbeResult {
            if accepts.contains(name) { return .accepted(name) }
            if failed.contains(name) { return .failed("timed out") }
            return .rejected("alert handshake_failure")
        }
        let protocols = Dictionary(uniqueKeysWithValues: TLSNames.legacyProtocolVersions.map { ($0, result($0)) })
        let classes = Dictionary(uniqueKeysWithValues: TLSNames.weakCipherClasses.map { ($0, result($0)) })
        // The ordinary handshake failed, but the probes could still be made.
        if let handshakeFailure = try mapping["handshake_failed"]?.nonEmptyString() {
            return EndpointFact(endpoint: address, failure: handshakeFailure, protocolProbes: protocols, cipherProbes: classes)
        }
        return EndpointFact(
            endpoint: address, negotiatedProtocol: try mapping["negotiated"]?.nonEmptyString() ?? "TLSv1.3",
            negotiatedCipher: "TLS_AES_256_GCM_SHA384", protocolProbes: protocols, cipherProbes: classes)
    }

    private static func keyFile(_ node: YAMLNode) throws(RuleFileProblem) -> KeyFileObservation {
        let mapping = try node.mapping(allowed: ["path", "mode", "encrypted"])
        var mode: UInt32 = 0o600
        if let modeNode = mapping["mode"] {
            let text = try modeNode.string()
            guard let parsed = UInt32(text, radix: 8), parsed <= 0o7777 else {
                throw modeNode.problem("must be octal permissions like 0600")
            }
            mode = parsed
        }
        return KeyFileObservation(
            path: try mapping["path"]?.nonEmptyString() ?? testKeyPath, mode: mode, owner: "root", group: "root",
            key: PrivateKeyFact(kind: "PRIVATE KEY", isEncrypted: try mapping["encrypted"]?.boolean() ?? false))
    }

    /// The text after `word:` in `word: reason`, trimmed; nil when there is none.
    private static func reason(after word: String, in text: String) -> String? {
        guard text.count > word.count + 1 else { return nil }
        let rest = String(text.dropFirst(word.count + 1)).trimmingWhitespace
        return rest.isEmpty ? nil : String(rest)
    }
}
