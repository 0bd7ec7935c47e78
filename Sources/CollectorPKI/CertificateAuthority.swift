internal import Crypto
public import Foundation
internal import SwiftASN1
internal import X509

/// The collector's own certificate authority (SPEC §6): it signs the collector's server
/// certificate and one client certificate per enrolled agent, whose common name is the agent
/// id. Agents and CLI clients pin its certificate. ECDSA P-256 throughout.
public struct CertificateAuthority: Sendable {
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    /// A certificate and its private key, both PEM.
    public struct IssuedCertificate: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
    }

    /// A new CA valid for 20 years from `now`.
    public static func create(commonName: String, now: Date) throws(PKIError) -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        do {
            let name = try DistinguishedName {
                OrganizationName("Canh")
                CommonName(commonName)
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now - 300,
                notValidAfter: now + 20 * 365 * 86_400, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(key))
            return CertificateAuthority(certificate: certificate, key: key)
        } catch {
            throw .signing("the CA certificate: \(error)")
        }
    }

    /// The CA kept in `ca.pem` and `ca.key`.
    public init(certificatePEM: String, keyPEM: String) throws(PKIError) {
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw .unreadable("the CA certificate is not a PEM certificate: \(error)")
        }
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw .unreadable("the CA key is not a PEM P-256 private key: \(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw .unreadable("the CA key does not belong to the CA certificate")
        }
    }

    private init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    public var keyPEM: String { key.pemRepresentation }

    /// The collector's TLS server certificate for these names (DNS names or IP addresses),
    /// valid for 2 years.
    public func issueServerCertificate(names: [String], now: Date) throws(PKIError) -> IssuedCertificate {
        let serverKey = P256.Signing.PrivateKey()
        let alternativeNames: [GeneralName] = names.map { name in
            if let address = IPAddressBytes(name) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
            return .dnsName(name)
        }
        let certificate = try sign(
            subject: names.first ?? "canh-collector", publicKey: Certificate.PublicKey(serverKey.publicKey), usage: .serverAuth,
            alternativeNames: alternativeNames, now: now, days: 2 * 365)
        return IssuedCertificate(certificatePEM: try pem(certificate), keyPEM: serverKey.pemRepresentation)
    }

    /// A client certificate for an agent from its certificate signing request: the request must be
    /// signed by its own key; the subject is replaced by the agent id the collector chose.
    public func issueClientCertificate(requestPEM: String, agentID: String, now: Date, days: Int = 825) throws(PKIError) -> String {
        // Messages say what is wrong in the request's terms: the library's errors name its source
        // files, which tell an enrolling sysadmin nothing (and an attacker how the parser is built).
        guard let document = try? PEMDocument(pemString: requestPEM), document.discriminator == "CERTIFICATE REQUEST" else {
            throw .badRequest("not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)")
        }
        let request: CertificateSigningRequest
        do {
            request = try CertificateSigningRequest(derEncoded: document.derBytes)
        } catch {
            throw .badRequest(
                "the request is malformed, or its key is not one the collector accepts "
                    + "(ECDSA P-256, P-384 or P-521, Ed25519, or RSA of 2048 bits or more)")
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw .badRequest("its signature does not match its public key")
        }
        let certificate = try sign(
            subject: agentID, publicKey: request.publicKey, usage: .clientAuth, alternativeNames: [], now: now, days: days)
        return try pem(certificate)
    }

    private func sign(
        subject: String, publicKey: Certificate.PublicKey, usage: ExtendedKeyUsage.Usage, alternativeNames: [GeneralName], now: Date,
        days: Int
    ) throws(PKIError) -> Certificate {
        do {
            let name = try DistinguishedName {
                OrganizationName("Canh")
                CommonName(subject)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                AuthorityKeyIdentifier(keyIdentifier: try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now - 300,
                notValidAfter: now + Double(days) * 86_400, issuer: certificate.subject, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(key))
        } catch {
            throw .signing("a certificate for \(subject): \(error)")
        }
    }

    private func pem(_ certificate: Certificate) throws(PKIError) -> String {
        do { return try certificate.serializeAsPEM().pemString } catch { throw .signing("PEM encoding: \(error)") }
    }
}

/// The bytes of an IPv4 or IPv6 address written as text, for a certificate's IP SAN.
struct IPAddressBytes {
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }
}
