import CanhModel
import FoundationEssentials

/// The certificate checks of SPEC §7. The entity is the SHA-256 fingerprint; the evidence names
/// the certificate and every place it was seen.
enum CertificateCheck: Sendable {
    case expired
    case expiring(days: Int)
    case notYetValid
    case weakKey(minRSABits: Int, minECBits: Int)
    case weakSignature(forbiddenHashes: Set<String>)
    case selfSigned
    case untrustedChain
    case hostnameMismatch
    case revoked

    /// The judgement on one certificate, or nil when the check does not apply to it.
    func judge(_ observation: CertificateObservation, at now: Timestamp) -> PostureJudgement? {
        let certificate = observation.certificate
        // Every record describes the certificate whole, so the collector's inventory is built
        // from whichever check reports it. The collector trusts only the DER: its SHA-256 is the
        // entity, and the facts it shows are read from it, not from the words beside it.
        var evidence = Evidence([
            ("subject", .text(certificate.subject)), ("issuer", .text(certificate.issuer)),
            ("names", .list(certificate.dnsNames + certificate.ipAddresses)), ("not_before", .text(certificate.notBefore.iso8601)),
            ("not_after", .text(certificate.notAfter.iso8601)), ("key", .text("\(certificate.keyType.rawValue) \(certificate.keyBits)")),
            ("signature", .text(certificate.signatureAlgorithm)), ("places", .list(observation.places.map(\.description))),
        ])
        if !certificate.der.isEmpty { evidence["der"] = .text(Data(certificate.der).base64EncodedString()) }
        func judgement(_ outcome: Outcome, _ details: [(String, Evidence.Value)] = []) -> PostureJudgement {
            for (key, value) in details { evidence[key] = value }
            return PostureJudgement(entity: certificate.fingerprint, outcome: outcome, evidence: evidence)
        }
        let notAfter = ("not_after", Evidence.Value.text(certificate.notAfter.iso8601))

        switch self {
        case .expired:
            guard now > certificate.notAfter else { return judgement(.pass, [notAfter]) }
            return judgement(.fail, [notAfter, ("days_expired", .number(Self.wholeDays(from: certificate.notAfter, to: now)))])

        case .expiring(let days):
            // An expired certificate is tls.cert.expired's finding, not a second one here.
            guard now <= certificate.notAfter else { return nil }
            let left = Self.wholeDays(from: now, to: certificate.notAfter)
            return judgement(
                left < days ? .fail : .pass, [notAfter, ("days_left", .number(left)), ("threshold_days", .number(Int64(days)))])

        case .notYetValid:
            let notBefore = ("not_before", Evidence.Value.text(certificate.notBefore.iso8601))
            return judgement(now < certificate.notBefore ? .fail : .pass, [notBefore])

        case .weakKey(let minRSABits, let minECBits):
            let key = ("key", Evidence.Value.text("\(certificate.keyType.rawValue) \(certificate.keyBits)"))
            switch certificate.keyType {
            case .rsa, .dsa:
                return judgement(certificate.keyBits < minRSABits ? .fail : .pass, [key, ("minimum_bits", .number(Int64(minRSABits)))])
            case .ec:
                return judgement(certificate.keyBits < minECBits ? .fail : .pass, [key, ("minimum_bits", .number(Int64(minECBits)))])
            case .ed25519, .ed448:
                return judgement(.pass, [key])
            case .other:
                return judgement(.error, [key, ("error", .text("the key type is not one Canh can judge (RSA, DSA, EC, Ed25519, Ed448)"))])
            }

        case .weakSignature(let forbiddenHashes):
            // Nobody relies on the signature a root puts on itself; its trust comes from the store.
            guard !(certificate.isSelfIssued && certificate.isCertificateAuthority) else { return nil }
            let algorithm = ("signature_algorithm", Evidence.Value.text(certificate.signatureAlgorithm))
            return judgement(forbiddenHashes.contains(certificate.signatureHash) ? .fail : .pass, [algorithm])

        case .selfSigned:
            // `openssl req -x509` marks its certificates as CAs, so the CA flag cannot tell a root
            // from a self-signed server certificate; being a trust anchor (system store or
            // --trust) can.
            guard certificate.isSelfIssued, case .untrusted = observation.chain else { return judgement(.pass) }
            return judgement(.fail)

        case .untrustedChain:
            switch observation.chain {
            case .trusted: return judgement(.pass)
            case .untrusted(let reason): return judgement(.fail, [("reason", .text(reason))])
            }

        case .hostnameMismatch:
            guard !observation.hostnames.isEmpty else { return nil }
            let mismatched = observation.hostnames.filter { !$0.matches }
            guard !mismatched.isEmpty else { return judgement(.pass, [("names", .list(observation.hostnames.map(\.name)))]) }
            return judgement(
                .fail,
                [
                    ("mismatched_names", .list(mismatched.map { "\($0.name) at \($0.endpoint)" })),
                    ("certificate_names", .list(certificate.dnsNames + certificate.ipAddresses)),
                ])

        case .revoked:
            switch observation.revocation {
            case .good(let source): return judgement(.pass, [("source", .text(source))])
            case .revoked(let source, let reason, let time):
                var details: [(String, Evidence.Value)] = [("source", .text(source))]
                if let reason { details.append(("reason", .text(reason))) }
                if let time { details.append(("revoked_at", .text(time.iso8601))) }
                return judgement(.fail, details)
            case .unknown(let why): return judgement(.error, [("error", .text(why))])
            case .notApplicable: return nil
            }
        }
    }

    /// Whole days from `start` to `end` (rounded down; 0 when `end` is not later).
    static func wholeDays(from start: Timestamp, to end: Timestamp) -> Int64 {
        max(0, (end.microsecondsSinceEpoch - start.microsecondsSinceEpoch) / 86_400_000_000)
    }
}
