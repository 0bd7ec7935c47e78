/// A plain-text protocol that upgrades to TLS on request.
public enum StartTLS: String, Sendable, Hashable {
    /// SMTP `STARTTLS` (RFC 3207), on ports 25 and 587.
    case smtp
    /// PostgreSQL `SSLRequest`, on port 5432.
    case postgres

    /// The upgrade spoken on a well-known port; nil where TLS starts with the first byte.
    public init?(port: Int) {
        switch port {
        case 25, 587: self = .smtp
        case 5432: self = .postgres
        default: return nil
        }
    }
}

/// A TLS endpoint to probe: `HOST:PORT[@SNI]` (IPv6 as `[2001:db8::1]:443`).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The name sent in SNI and checked against the certificate; defaults to the host.
    public var serverName: String
    /// The upgrade to speak before TLS; by default the one of the port (SMTP on 25 and 587,
    /// PostgreSQL on 5432).
    public var startTLS: StartTLS?

    public init(host: String, port: Int, serverName: String? = nil, startTLS: StartTLS?? = nil) {
        self.host = host
        self.port = port
        self.serverName = serverName ?? host
        self.startTLS = startTLS ?? StartTLS(port: port)
    }

    /// Parses `HOST:PORT[@SNI]`; nil if malformed.
    public init?(parsing text: String) {
        var address = Substring(text)
        var serverName: String?
        if let at = text.lastIndex(of: "@") {
            serverName = String(text[text.index(after: at)...])
            address = text[..<at]
            guard serverName?.isEmpty == false else { return nil }
        }
        let host: Substring
        let portText: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]"), address[address.index(after: close)...].hasPrefix(":") else { return nil }
            host = address[address.index(after: address.startIndex)..<close]
            portText = address[address.index(close, offsetBy: 2)...]
        } else {
            guard let colon = address.lastIndex(of: ":") else { return nil }
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(":") || text.hasPrefix("["), let port = Int(portText), (1...65_535).contains(port) else {
            return nil
        }
        self.init(host: String(host), port: port, serverName: serverName)
    }

    /// `host:port`, the entity of endpoint findings.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// What one probe of an endpoint found.
public enum ProbeResult: Sendable, Hashable, CustomStringConvertible {
    /// The server accepted (the negotiated version or cipher suite).
    case accepted(String)
    /// The server refused (an alert, or it closed the connection).
    case rejected(String)
    /// This probe could not be made (why).
    case notProbed(String)
    /// The probe failed (timeout, connection error).
    case failed(String)

    public var description: String {
        switch self {
        case .accepted(let detail): "accepted (\(detail))"
        case .rejected(let detail): "rejected (\(detail))"
        case .notProbed(let detail): "not probed (\(detail))"
        case .failed(let detail): "probe failed (\(detail))"
        }
    }
}

/// The names probes and rules share.
public enum TLSNames {
    /// Every protocol version, oldest first, as OpenSSL names them.
    public static let protocolVersions = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    /// The versions the endpoint probe asks about.
    public static let legacyProtocolVersions = ["SSLv3", "TLSv1", "TLSv1.1"]
    /// The weak cipher classes the endpoint probe asks about.
    public static let weakCipherClasses = ["NULL", "EXPORT", "anonymous", "RC4", "DES", "3DES", "MD5", "static_rsa"]
}

/// What probing one TLS endpoint found: the handshake a normal client gets, and which legacy
/// protocol versions and weak cipher classes the server also accepts.
public struct EndpointFact: Sendable, Hashable {
    public var endpoint: Endpoint
    /// Why the ordinary handshake failed. When the connection itself failed, the probes are empty
    /// too; when only the handshake failed, the probes still say what the server accepts.
    public var failure: String?
    /// `TLSv1.3`, `TLSv1.2`…, as OpenSSL names them.
    public var negotiatedProtocol: String
    public var negotiatedCipher: String
    /// The chain the server sent, leaf first.
    public var chain: [CertificateFact]
    /// A stapled OCSP response (DER), if the server sent one.
    public var stapledOCSP: [UInt8]?
    /// By protocol version name (`SSLv3`, `TLSv1`, `TLSv1.1`).
    public var protocolProbes: [String: ProbeResult]
    /// By cipher class name (`NULL`, `EXPORT`, `anonymous`, `RC4`, `DES`, `3DES`, `MD5`, `static_rsa`).
    public var cipherProbes: [String: ProbeResult]

    public init(
        endpoint: Endpoint, failure: String? = nil, negotiatedProtocol: String = "", negotiatedCipher: String = "",
        chain: [CertificateFact] = [], stapledOCSP: [UInt8]? = nil, protocolProbes: [String: ProbeResult] = [:],
        cipherProbes: [String: ProbeResult] = [:]
    ) {
        self.endpoint = endpoint
        self.failure = failure
        self.negotiatedProtocol = negotiatedProtocol
        self.negotiatedCipher = negotiatedCipher
        self.chain = chain
        self.stapledOCSP = stapledOCSP
        self.protocolProbes = protocolProbes
        self.cipherProbes = cipherProbes
    }
}
