/// What Canh knows about one X.509 certificate, independent of where it was found.
public struct CertificateFact: Sendable, Hashable {
    public enum KeyType: String, Sendable, Hashable {
        case rsa, ec, ed25519, ed448, dsa, other
    }

    /// SHA-256 of the DER encoding, lowercase hex without separators: the certificate's entity.
    public var fingerprint: String
    /// RFC 2253 form, e.g. `CN=portal.hungyen.gov.vn,O=UBND tinh Hung Yen,C=VN`.
    public var subject: String
    public var issuer: String
    /// Hexadecimal serial number.
    public var serial: String
    public var notBefore: Timestamp
    public var notAfter: Timestamp
    public var keyType: KeyType
    public var keyBits: Int
    /// OpenSSL's long name, e.g. `sha256WithRSAEncryption`.
    public var signatureAlgorithm: String
    public var dnsNames: [String]
    public var ipAddresses: [String]
    /// Subject and issuer are the same name (a root or a self-signed leaf).
    public var isSelfIssued: Bool
    /// Basic constraints mark it as a certificate authority.
    public var isCertificateAuthority: Bool
    /// OCSP responders named in the Authority Information Access extension.
    public var ocspURLs: [String]
    /// CRL distribution points (URIs).
    public var crlURLs: [String]
    /// The DER encoding, so that chain and revocation checks can rebuild the certificate.
    public var der: [UInt8]

    public init(
        fingerprint: String, subject: String, issuer: String, serial: String, notBefore: Timestamp,
        notAfter: Timestamp, keyType: KeyType, keyBits: Int, signatureAlgorithm: String, dnsNames: [String],
        ipAddresses: [String], isSelfIssued: Bool, isCertificateAuthority: Bool, ocspURLs: [String] = [],
        crlURLs: [String] = [], der: [UInt8] = [], signatureHash: String? = nil
    ) {
        self.fingerprint = fingerprint
        self.subject = subject
        self.issuer = issuer
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.keyType = keyType
        self.keyBits = keyBits
        self.signatureAlgorithm = signatureAlgorithm
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.isSelfIssued = isSelfIssued
        self.isCertificateAuthority = isCertificateAuthority
        self.ocspURLs = ocspURLs
        self.crlURLs = crlURLs
        self.der = der
        self.signatureHash = signatureHash ?? Self.hash(inAlgorithmName: signatureAlgorithm)
    }

    /// The hash algorithm of the signature in lower case (`sha1`, `md5`, `sha256`…), or the
    /// whole algorithm name in lower case when it has no separate hash (`ed25519`).
    public var signatureHash: String

    /// The hash named in an algorithm name such as `sha1WithRSAEncryption` or `ecdsa-with-SHA256`
    /// (for certificates known only by name; the parser asks OpenSSL, which also knows RSA-PSS).
    public static func hash(inAlgorithmName name: String) -> String {
        let lowered = name.lowercased()
        for hash in ["sha3-256", "sha3-384", "sha3-512", "sha224", "sha256", "sha384", "sha512", "sha1", "md2", "md4", "md5", "sm3"]
        where lowered.hasPrefix(hash) || lowered.hasSuffix(hash) {
            return hash
        }
        return lowered
    }
}
