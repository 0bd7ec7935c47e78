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

    public init(
        fingerprint: String, subject: String, issuer: String, serial: String, notBefore: Timestamp,
        notAfter: Timestamp, keyType: KeyType, keyBits: Int, signatureAlgorithm: String, dnsNames: [String],
        ipAddresses: [String], isSelfIssued: Bool, isCertificateAuthority: Bool
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
    }
}
