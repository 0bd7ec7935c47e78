internal import Crypto
internal import SwiftASN1
internal import X509

/// What an agent makes before enrolling: its private key, which never leaves the host, and a
/// certificate signing request carrying its public key.
public struct AgentKeyPair: Sendable {
    public let keyPEM: String
    public let requestPEM: String

    public static func generate(hostname: String) throws(PKIError) -> AgentKeyPair {
        let key = P256.Signing.PrivateKey()
        do {
            let request = try CertificateSigningRequest(
                version: .v1, subject: try DistinguishedName { CommonName(hostname) }, privateKey: Certificate.PrivateKey(key),
                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
            return AgentKeyPair(keyPEM: key.pemRepresentation, requestPEM: try request.serializeAsPEM().pemString)
        } catch {
            throw .signing("the certificate request: \(error)")
        }
    }
}

/// Who a client certificate names: the agent id in its common name.
public enum ClientCertificateIdentity {
    public static func agentID(derBytes: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: derBytes) else { return nil }
        for relativeName in certificate.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value)
            }
        }
        return nil
    }
}
