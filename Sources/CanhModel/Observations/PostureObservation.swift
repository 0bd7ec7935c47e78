/// Whether a certificate's chain leads to a trusted anchor.
public enum ChainStatus: Sendable, Hashable {
    case trusted
    /// Why not, in OpenSSL's words ("unable to get local issuer certificate").
    case untrusted(String)
}

/// What revocation checking said about a certificate.
public enum RevocationStatus: Sendable, Hashable {
    /// The source (an OCSP responder or CRL URL, or "stapled OCSP") says it is good.
    case good(source: String)
    case revoked(source: String, reason: String?, time: Timestamp?)
    /// No source could answer (unreachable, bad response, issuer unknown): why.
    case unknown(String)
    /// Not applicable: a self-issued certificate (a root or a self-signed leaf) has no issuer
    /// that could revoke it.
    case notApplicable
}

/// Where a certificate was seen: a file, or an endpoint that served it.
public enum CertificatePlace: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    /// An endpoint that served it, as its own certificate or in the chain behind it.
    case endpoint(Endpoint)

    public var description: String {
        switch self {
        case .file(let path): path
        case .endpoint(let endpoint):
            endpoint.serverName == endpoint.host ? endpoint.description : "\(endpoint)@\(endpoint.serverName)"
        }
    }
}

/// One certificate with everything the certificate rules judge: the fact itself, every place it
/// was seen, its chain and its revocation status. One observation per fingerprint, however many
/// places hold the certificate.
public struct CertificateObservation: Sendable, Hashable {
    public var certificate: CertificateFact
    public var places: [CertificatePlace]
    public var chain: ChainStatus
    public var revocation: RevocationStatus
    /// For each endpoint that served it as its own certificate: the name asked for (SNI) and
    /// whether the certificate is valid for that name.
    public var hostnames: [HostnameCheck]

    public init(
        certificate: CertificateFact, places: [CertificatePlace], chain: ChainStatus, revocation: RevocationStatus,
        hostnames: [HostnameCheck] = []
    ) {
        self.certificate = certificate
        self.places = places
        self.chain = chain
        self.revocation = revocation
        self.hostnames = hostnames
    }
}

/// Whether a certificate an endpoint served is valid for the name the client asked for.
public struct HostnameCheck: Sendable, Hashable {
    /// The endpoint, as `host:port`.
    public var endpoint: String
    public var name: String
    public var matches: Bool

    public init(endpoint: String, name: String, matches: Bool) {
        self.endpoint = endpoint
        self.name = name
        self.matches = matches
    }
}

/// A file holding a private key, with its permissions.
public struct KeyFileObservation: Sendable, Hashable {
    public var path: String
    /// Permission bits (e.g. 0o640).
    public var mode: UInt32
    public var owner: String
    public var group: String
    public var key: PrivateKeyFact

    public init(path: String, mode: UInt32, owner: String, group: String, key: PrivateKeyFact) {
        self.path = path
        self.mode = mode
        self.owner = owner
        self.group = group
        self.key = key
    }

    /// `0640`-style text of the permission bits.
    public var modeText: String {
        let octal = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}

/// A certificate or key input that could not be read or parsed: the checks could not run on it.
public struct UnreadableInput: Sendable, Hashable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Everything one scan observed of certificates, endpoints, key files and host configuration,
/// ready for the state rules.
public struct PostureObservations: Sendable, Hashable {
    public var certificates: [CertificateObservation]
    public var endpoints: [EndpointFact]
    public var keyFiles: [KeyFileObservation]
    public var unreadable: [UnreadableInput]
    /// The host's configuration, when `--host-root` was read.
    public var host: HostObservation?

    public init(
        certificates: [CertificateObservation] = [], endpoints: [EndpointFact] = [], keyFiles: [KeyFileObservation] = [],
        unreadable: [UnreadableInput] = [], host: HostObservation? = nil
    ) {
        self.certificates = certificates
        self.endpoints = endpoints
        self.keyFiles = keyFiles
        self.unreadable = unreadable
        self.host = host
    }
}
