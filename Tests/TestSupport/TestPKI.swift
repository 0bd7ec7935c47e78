import Foundation

/// A certificate authority for tests, run with the `openssl ca` command: a CA valid 2020–2040,
/// an OCSP signer, leaves with any defect, revocation, a CRL, and a server on 127.0.0.1 that
/// answers OCSP requests (with `openssl ocsp`) and serves the CRL.
public final class TestPKI: @unchecked Sendable {
    // @unchecked: the directory and paths are set in init; the openssl commands keep their own state.
    public let directory: TemporaryDirectory
    /// The port of the revocation server the issued certificates point to.
    public let revocationPort: Int
    public var caCertificate: String { directory.file("ca.pem") }
    public var crlURL: String { "http://127.0.0.1:\(revocationPort)/ca.crl" }
    public var ocspURL: String { "http://127.0.0.1:\(revocationPort)/" }

    public struct Leaf: Sendable {
        public var certificate: String
        public var key: String
    }

    /// What a leaf names for revocation checking.
    public enum RevocationInfo: String, Sendable {
        /// The OCSP responder (AIA) and the CRL distribution point.
        case ocspAndCRL = "leaf_ext"
        case crlOnly = "leaf_ext_crl"
        case none = "leaf_ext_plain"
    }

    public enum Key: Sendable {
        case rsa(bits: Int)
        case ecP256

        var arguments: [String] {
            switch self {
            case .rsa(let bits): ["-newkey", "rsa:\(bits)"]
            case .ecP256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            }
        }
    }

    public init() async throws {
        directory = try TemporaryDirectory(prefix: "canh-pki")
        revocationPort = try FreePort.next()
        try FileManager.default.createDirectory(atPath: directory.file("issued"), withIntermediateDirectories: true)
        try directory.write("", to: "index.txt")
        try directory.write("1000\n", to: "serial")
        try directory.write("1000\n", to: "crlnumber")
        try directory.write(configuration, to: "ca.cnf")
        try await openssl(["genrsa", "-out", "ca.key", "2048"])
        try await openssl(["req", "-new", "-key", "ca.key", "-subj", "/O=Canh Tests/CN=Canh Test CA", "-out", "ca.csr"])
        try await openssl([
            "ca", "-batch", "-notext", "-config", "ca.cnf", "-selfsign", "-in", "ca.csr", "-extensions", "ca_ext",
            "-startdate", "20200101000000Z", "-enddate", "20400101000000Z", "-out", "ca.pem",
        ])
        try await openssl([
            "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "ocsp.key", "-subj", "/CN=Canh Test OCSP", "-out", "ocsp.csr",
        ])
        try await openssl([
            "ca", "-batch", "-notext", "-config", "ca.cnf", "-in", "ocsp.csr", "-extensions", "ocsp_ext",
            "-startdate", "20200101000000Z", "-enddate", "20400101000000Z", "-out", "ocsp.pem",
        ])
    }

    /// Issues a certificate for `name` signed by the CA.
    /// - Parameters:
    ///   - revocationInfo: which revocation sources it names.
    ///   - notBefore, notAfter: `YYYYMMDDHHMMSSZ`.
    public func issue(
        _ name: String, dns: [String]? = nil, ips: [String] = [], key: Key = .rsa(bits: 2048), digest: String = "sha256",
        notBefore: String = "20260101000000Z", notAfter: String = "20270601000000Z", revocationInfo: RevocationInfo = .ocspAndCRL
    ) async throws -> Leaf {
        let names = (dns ?? [name]).map { "DNS:\($0)" } + ips.map { "IP:\($0)" }
        var request =
            ["req", "-new"] + key.arguments + ["-nodes", "-keyout", "\(name).key", "-subj", "/CN=\(name)", "-out", "\(name).csr"]
        if !names.isEmpty { request += ["-addext", "subjectAltName=" + names.joined(separator: ",")] }
        try await openssl(request)
        try await openssl([
            "ca", "-batch", "-notext", "-config", "ca.cnf", "-in", "\(name).csr", "-extensions",
            revocationInfo.rawValue, "-md", digest, "-startdate", notBefore, "-enddate", notAfter,
            "-out", "\(name).pem",
        ])
        return Leaf(certificate: directory.file("\(name).pem"), key: directory.file("\(name).key"))
    }

    /// A self-signed server certificate outside the CA, valid 2026-01-01 to 2027-06-01 (made with
    /// `openssl ca -selfsign` so that the dates are fixed).
    public func selfSigned(_ name: String, key: Key = .rsa(bits: 2048)) async throws -> Leaf {
        try await openssl(
            ["req", "-new"] + key.arguments + [
                "-nodes", "-keyout", "\(name).key", "-subj", "/CN=\(name)",
                "-addext", "subjectAltName=DNS:\(name)", "-out", "\(name).csr",
            ])
        try await openssl([
            "ca", "-batch", "-notext", "-config", "ca.cnf", "-selfsign", "-keyfile", "\(name).key", "-in", "\(name).csr",
            "-extensions", "self_ext", "-startdate", "20260101000000Z", "-enddate", "20270601000000Z", "-out", "\(name).pem",
        ])
        return Leaf(certificate: directory.file("\(name).pem"), key: directory.file("\(name).key"))
    }

    public func revoke(_ leaf: Leaf) async throws {
        try await openssl(["ca", "-batch", "-config", "ca.cnf", "-revoke", leaf.certificate])
    }

    /// Writes the CRL (DER) that the certificates point to; call after revoking.
    public func publishCRL() async throws {
        try await openssl(["ca", "-batch", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"])
        try await openssl(["crl", "-in", "crl.pem", "-outform", "DER", "-out", "ca.crl"])
    }

    /// A stapled OCSP response for `leaf` (DER file), as a server would send it.
    public func ocspResponse(for leaf: Leaf) async throws -> String {
        try await openssl(["ocsp", "-issuer", "ca.pem", "-cert", leaf.certificate, "-no_nonce", "-reqout", "staple.req"])
        try await openssl([
            "ocsp", "-index", "index.txt", "-rsigner", "ocsp.pem", "-rkey", "ocsp.key", "-CA", "ca.pem",
            "-reqin", "staple.req", "-respout", "staple-\((leaf.certificate as NSString).lastPathComponent).der", "-ndays", "1",
        ])
        return directory.file("staple-\((leaf.certificate as NSString).lastPathComponent).der")
    }

    /// Starts the OCSP and CRL server on `revocationPort`.
    public func startRevocationServer() async throws -> BackgroundServer {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pki_http_server.py").path
        return try await BackgroundServer("/usr/bin/python3", [script, "{port}", directory.path], port: revocationPort)
    }

    /// An `openssl s_server` on 127.0.0.1 serving `leaf` (with the CA as chain) and `extra` options.
    public func server(for leaf: Leaf, chain: Bool = true, extra: [String] = []) async throws -> BackgroundServer {
        var arguments = ["s_server", "-accept", "127.0.0.1:{port}", "-cert", leaf.certificate, "-key", leaf.key, "-www", "-quiet"]
        if chain { arguments += ["-cert_chain", caCertificate] }
        return try await BackgroundServer("/usr/bin/openssl", arguments + extra, directory: directory.path)
    }

    /// A server that upgrades to TLS with `leaf` (SMTP STARTTLS, PostgreSQL SSLRequest), from
    /// `starttls_server.py`; `mode` is `smtp`, `smtp-plain` or `postgres`.
    public func startTLSServer(_ mode: String, for leaf: Leaf, legacy: Bool = false) async throws -> BackgroundServer {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("starttls_server.py").path
        return try await BackgroundServer(
            "/usr/bin/python3", [script, mode, "{port}", leaf.certificate, leaf.key] + (legacy ? ["legacy"] : []))
    }

    private func openssl(_ arguments: [String]) async throws {
        let directory = directory.path
        try await offThePool { try Self.openssl(arguments, in: directory) }
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(description: "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }

    private var configuration: String {
        """
        [ ca ]
        default_ca = test_ca
        [ test_ca ]
        dir = \(directory.path)
        database = $dir/index.txt
        new_certs_dir = $dir/issued
        serial = $dir/serial
        crlnumber = $dir/crlnumber
        certificate = $dir/ca.pem
        private_key = $dir/ca.key
        default_md = sha256
        default_crl_days = 30
        policy = policy_any
        copy_extensions = copy
        unique_subject = no
        [ policy_any ]
        organizationName = optional
        commonName = supplied
        [ ca_ext ]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        [ leaf_ext ]
        basicConstraints = CA:FALSE
        keyUsage = digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        authorityKeyIdentifier = keyid,issuer
        authorityInfoAccess = OCSP;URI:http://127.0.0.1:\(revocationPort)/
        crlDistributionPoints = URI:http://127.0.0.1:\(revocationPort)/ca.crl
        [ leaf_ext_crl ]
        basicConstraints = CA:FALSE
        keyUsage = digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        authorityKeyIdentifier = keyid,issuer
        crlDistributionPoints = URI:http://127.0.0.1:\(revocationPort)/ca.crl
        [ leaf_ext_plain ]
        basicConstraints = CA:FALSE
        keyUsage = digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        authorityKeyIdentifier = keyid,issuer
        [ self_ext ]
        basicConstraints = CA:FALSE
        keyUsage = digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        [ ocsp_ext ]
        basicConstraints = CA:FALSE
        keyUsage = digitalSignature
        extendedKeyUsage = OCSPSigning

        """
    }
}
