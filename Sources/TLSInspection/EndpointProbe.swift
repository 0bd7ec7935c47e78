internal import COpenSSL
public import CanhModel

/// Timeouts of endpoint probes, in seconds. Every connect and every wait for the server is bounded.
public struct EndpointProbeSettings: Sendable, Hashable {
    public var connectTimeout: Double
    public var handshakeTimeout: Double

    public init(connectTimeout: Double = 5, handshakeTimeout: Double = 10) {
        self.connectTimeout = connectTimeout
        self.handshakeTimeout = handshakeTimeout
    }
}

/// Probes one TLS endpoint: the handshake an ordinary client gets, then one connection per
/// legacy protocol version and per weak cipher class.
public enum EndpointProbe {
    public static func probe(_ endpoint: Endpoint, settings: EndpointProbeSettings = .init()) -> EndpointFact {
        var handshake: TLSHandshake?
        var handshakeFailure: String?
        do {
            handshake = try TLSHandshake.perform(
                with: endpoint, connectTimeout: settings.connectTimeout, handshakeTimeout: settings.handshakeTimeout)
        } catch {
            // A server this client cannot talk to may still accept a legacy version or weak
            // suite, so only a connection that failed outright ends the probe here.
            guard case .handshakeFailed = error else { return EndpointFact(endpoint: endpoint, failure: error.description) }
            handshakeFailure = error.description
        }
        var protocols: [String: ProbeResult] = [:]
        for legacy in LegacyProtocol.allCases {
            protocols[legacy.rawValue] = probe(
                endpoint, version: legacy.wireVersion, suites: LegacyProtocol.broadSuites, settings: settings
            ) {
                version, suite in
                version == legacy.wireVersion ? .accepted("\(legacy.rawValue) with \(CipherSuiteName.name(of: suite))") : nil
            }
        }
        let acceptsTLS1 = if case .accepted = protocols[LegacyProtocol.tls1.rawValue] { true } else { false }
        var ciphers: [String: ProbeResult] = [:]
        for cipherClass in CipherClass.allCases {
            let offered = Set(cipherClass.suites)
            let choose: (UInt16, UInt16) -> ProbeResult? = { version, suite in
                offered.contains(suite) ? .accepted("\(CipherSuiteName.name(of: suite)) over \(versionName(version))") : nil
            }
            var result = probe(endpoint, version: 0x0303, suites: cipherClass.suites, settings: settings, choose)
            // Export and other old suites may only be offered at TLS 1.0 by servers that still speak it.
            if case .rejected = result, acceptsTLS1 {
                result = probe(endpoint, version: 0x0301, suites: cipherClass.suites, settings: settings, choose)
            }
            ciphers[cipherClass.rawValue] = result
        }
        return EndpointFact(
            endpoint: endpoint, failure: handshakeFailure, negotiatedProtocol: handshake?.protocolName ?? "",
            negotiatedCipher: handshake?.cipherName ?? "", chain: handshake?.chain ?? [], stapledOCSP: handshake?.stapledOCSP,
            protocolProbes: protocols, cipherProbes: ciphers)
    }

    /// One ClientHello; `accepts` turns a ServerHello into `.accepted`, or nil for "not what was offered".
    private static func probe(
        _ endpoint: Endpoint, version: UInt16, suites: [UInt16], settings: EndpointProbeSettings,
        _ accepts: (UInt16, UInt16) -> ProbeResult?
    ) -> ProbeResult {
        do {
            switch try ClientHelloProbe.ask(
                endpoint, version: version, suites: suites, connectTimeout: settings.connectTimeout,
                readTimeout: settings.handshakeTimeout)
            {
            case let .serverHello(chosenVersion, suite):
                return accepts(chosenVersion, suite)
                    ?? .rejected("the server answered with \(versionName(chosenVersion)) and \(CipherSuiteName.name(of: suite))")
            case .refused(let alert):
                return .rejected(alert.map { "alert \(alertName($0))" } ?? "the server closed the connection")
            case .notTLS:
                return .failed("the server answered with something other than TLS")
            }
        } catch {
            return .failed(error.description)
        }
    }

    static func versionName(_ version: UInt16) -> String {
        switch version {
        case 0x0300: "SSLv3"
        case 0x0301: "TLSv1"
        case 0x0302: "TLSv1.1"
        case 0x0303: "TLSv1.2"
        case 0x0304: "TLSv1.3"
        default: "version 0x" + String(version, radix: 16)
        }
    }

    private static func alertName(_ code: UInt8) -> String {
        switch code {
        case 40: "handshake_failure"
        case 47: "illegal_parameter"
        case 50: "decode_error"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 112: "unrecognized_name"
        default: "\(code)"
        }
    }
}

/// Names of cipher suites, as OpenSSL knows them, else the IANA number.
enum CipherSuiteName {
    static func name(of suite: UInt16) -> String {
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else { return hex(suite) }
        defer { SSL_CTX_free(context) }
        guard let ssl = SSL_new(context) else { return hex(suite) }
        defer { SSL_free(ssl) }
        let bytes: [UInt8] = [UInt8(suite >> 8), UInt8(suite & 0xFF)]
        let cipher = bytes.withUnsafeBufferPointer { SSL_CIPHER_find(ssl, $0.baseAddress) }
        guard let cipher, let name = SSL_CIPHER_get_name(cipher) else { return hex(suite) }
        return String(cString: name)
    }

    private static func hex(_ suite: UInt16) -> String {
        let digits = String(suite, radix: 16, uppercase: true)
        return "suite 0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
