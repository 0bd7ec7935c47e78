public import CanhModel
import Crypto
import Glibc
import SwiftASN1
import X509

/// The facts of a certificate as the collector derives them from its DER, for the inventory.
///
/// An agent's words about a certificate it reports (subject, issuer, expiry) cannot be trusted:
/// any agent could describe a certificate another host really holds. The DER can: its SHA-256 is
/// the certificate's identity, so whoever sends it sends the certificate itself. The structure is
/// read with SwiftASN1 rather than `X509.Certificate`, which refuses public keys it cannot use
/// (RSA under 2048 bits, DSA, Ed448) — exactly the certificates an inventory must show.
public enum CertificateDescription {
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "not an X.509 certificate: \(reason)" }
    }

    /// The certificate `der` encodes, with no places yet.
    public static func record(der: [UInt8]) throws(Failure) -> CertificateRecord { try parse(der).record }

    /// The DNS names and the IP addresses of the subject alternative names of the certificate
    /// `der` encodes: what a server certificate is valid for (RFC 6125).
    public static func subjectAlternativeNames(der: [UInt8]) throws(Failure) -> (dns: [String], addresses: [String]) {
        let parsed = try parse(der)
        return (parsed.dns, parsed.addresses)
    }

    private static func parse(_ der: [UInt8]) throws(Failure) -> (record: CertificateRecord, dns: [String], addresses: [String]) {
        do {
            return try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                guard let tbs = nodes.next(), let signatureAlgorithm = nodes.next(), nodes.next() != nil, nodes.next() == nil else {
                    throw Failure(reason: "a certificate is three elements: the signed part, its algorithm, the signature")
                }
                let signature = try algorithm(signatureAlgorithm).identifier
                return try DER.sequence(tbs, identifier: .sequence) { fields in
                    _ = try DER.optionalExplicitlyTagged(&fields, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                    _ = try ArraySlice<UInt8>(derEncoded: &fields)  // the serial number
                    _ = fields.next()  // the signature algorithm again, inside the signed part
                    let issuer = try name(fields.next())
                    let (notBefore, notAfter) = try validity(fields.next())
                    let subject = try name(fields.next())
                    let key = try publicKey(fields.next())
                    var extensions: [Certificate.Extension] = []
                    while let node = fields.next() {
                        guard node.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) else { continue }
                        extensions = try DER.explicitlyTagged(node, tagNumber: 3, tagClass: .contextSpecific) {
                            try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                        }
                    }
                    let (dns, addresses) = try names(in: extensions)
                    let record = CertificateRecord(
                        fingerprint: StableDigest.hex(sha256: der), subject: subject.description, issuer: issuer.description,
                        names: dns + addresses, notBefore: notBefore, notAfter: notAfter, key: key,
                        signature: signatureNames[signature.description] ?? signature.description, places: [])
                    return (record, dns, addresses)
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            // The parser's own errors name its source files: nothing for the reader of the message.
            throw Failure(reason: "its DER encoding is malformed")
        }
    }

    private static func algorithm(_ node: ASN1Node?) throws -> (identifier: ASN1ObjectIdentifier, parameters: ASN1Node?) {
        guard let node else { throw Failure(reason: "an algorithm identifier is missing") }
        return try DER.sequence(node, identifier: .sequence) { nodes in
            (try ASN1ObjectIdentifier(derEncoded: &nodes), nodes.next())
        }
    }

    private static func name(_ node: ASN1Node?) throws -> DistinguishedName {
        guard let node else { throw Failure(reason: "a name is missing") }
        return try DistinguishedName(derEncoded: node)
    }

    private static func validity(_ node: ASN1Node?) throws -> (Timestamp, Timestamp) {
        guard let node else { throw Failure(reason: "the validity is missing") }
        return try DER.sequence(node, identifier: .sequence) { nodes in
            (try time(nodes.next()), try time(nodes.next()))
        }
    }

    /// UTCTime or GeneralizedTime, as RFC 5280 §4.1.2.5 allows.
    private static func time(_ node: ASN1Node?) throws -> Timestamp {
        guard let node else { throw Failure(reason: "a validity date is missing") }
        let parts: (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int)
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case GeneralizedTime.defaultIdentifier:
            let time = try GeneralizedTime(derEncoded: node)
            parts = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default:
            throw Failure(reason: "a validity date is neither UTCTime nor GeneralizedTime")
        }
        let days = CivilDate(year: Int64(parts.year), month: Int64(parts.month), day: Int64(parts.day)).daysSinceEpoch
        return Timestamp(secondsSinceEpoch: days * 86_400 + Int64(parts.hours * 3600 + parts.minutes * 60 + parts.seconds))
    }

    /// `rsa 2048`, `ec 256`, `ed25519 253` — the words and sizes the agent's OpenSSL uses.
    private static func publicKey(_ node: ASN1Node?) throws -> String {
        guard let node else { throw Failure(reason: "the public key is missing") }
        return try DER.sequence(node, identifier: .sequence) { nodes in
            let (identifier, parameters) = try algorithm(nodes.next())
            let key = try ASN1BitString(derEncoded: &nodes)
            switch identifier.description {
            case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10":
                // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
                let modulus = try DER.sequence(try DER.parse(key.bytes), identifier: .sequence) { nodes in
                    let modulus = try ArraySlice<UInt8>(derEncoded: &nodes)
                    _ = try ArraySlice<UInt8>(derEncoded: &nodes)
                    return modulus
                }
                return "rsa \(bitLength(modulus))"
            case "1.2.840.10040.4.1":
                // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }
                let prime = try parameters.map { node in
                    try DER.sequence(node, identifier: .sequence) { nodes in
                        let prime = try ArraySlice<UInt8>(derEncoded: &nodes)
                        while nodes.next() != nil {}
                        return prime
                    }
                }
                return "dsa \(prime.map(bitLength) ?? 0)"
            case "1.2.840.10045.2.1":
                let curve = try parameters.map { try ASN1ObjectIdentifier(derEncoded: $0).description }
                return "ec \(curve.flatMap { curveBits[$0] } ?? 0)"
            case "1.3.101.112": return "ed25519 253"
            case "1.3.101.113": return "ed448 456"
            default: return "other 0"
            }
        }
    }

    /// The bits of an unsigned big-endian integer, leading zeros aside.
    private static func bitLength(_ bytes: ArraySlice<UInt8>) -> Int {
        let significant = bytes.drop { $0 == 0 }
        guard let first = significant.first else { return 0 }
        return significant.count * 8 - first.leadingZeroBitCount
    }

    /// DNS names and IP addresses of the subject alternative names.
    private static func names(in extensions: [Certificate.Extension]) throws -> (dns: [String], addresses: [String]) {
        guard let extensionValue = extensions.first(where: { $0.oid == .X509ExtensionID.subjectAlternativeName }) else { return ([], []) }
        var dns: [String] = []
        var addresses: [String] = []
        for name in try SubjectAlternativeNames(extensionValue) {
            switch name {
            case .dnsName(let text): dns.append(text)
            case .ipAddress(let octets): addresses.append(address(Array(octets.bytes)))
            default: continue
            }
        }
        return (dns, addresses)
    }

    private static func address(_ octets: [UInt8]) -> String {
        let family: Int32
        switch octets.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return octets.map { String($0, radix: 16) }.joined(separator: ":")
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard octets.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Named curves by OID, with their size in bits as OpenSSL reports it.
    private static let curveBits: [String: Int] = [
        "1.2.840.10045.3.1.1": 192, "1.3.132.0.33": 224, "1.2.840.10045.3.1.7": 256, "1.3.132.0.10": 256, "1.3.132.0.34": 384,
        "1.3.132.0.35": 521, "1.3.36.3.3.2.8.1.1.7": 256, "1.3.36.3.3.2.8.1.1.11": 384, "1.3.36.3.3.2.8.1.1.13": 512,
    ]

    /// OpenSSL's long names of signature algorithms, which the agent's records use.
    private static let signatureNames: [String: String] = [
        "1.2.840.113549.1.1.2": "md2WithRSAEncryption", "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5": "sha1WithRSAEncryption", "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11": "sha256WithRSAEncryption", "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13": "sha512WithRSAEncryption", "1.2.840.113549.1.1.10": "rsassaPss",
        "1.2.840.10045.4.1": "ecdsa-with-SHA1", "1.2.840.10045.4.3.1": "ecdsa-with-SHA224", "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384", "1.2.840.10045.4.3.4": "ecdsa-with-SHA512", "1.2.840.10040.4.3": "dsaWithSHA1",
        "2.16.840.1.101.3.4.3.1": "dsa_with_SHA224", "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256", "1.3.101.112": "ED25519",
        "1.3.101.113": "ED448",
    ]
}
