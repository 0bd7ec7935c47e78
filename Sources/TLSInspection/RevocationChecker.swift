internal import COpenSSL
public import CanhModel
import Glibc
import Synchronization

/// Asks whether certificates are revoked: a stapled OCSP response first, then the OCSP
/// responders of the Authority Information Access extension, then the CRL distribution points.
/// Every answer is verified against the issuer (a responder's signature, a CRL's signature) and
/// must be current by the real clock. When no source answers, the status is `unknown` with every
/// reason: the check reports `error`, never `pass`.
///
/// Answers are cached until their next update (CRLs by URL, OCSP answers by responder and
/// certificate), so a certificate seen in many places, or many certificates of one CA, cost one
/// download. Safe to use from several threads.
public final class RevocationChecker: Sendable {
    private let timeout: Double
    private let crlCache = Mutex<[String: CachedCRL]>([:])
    private let ocspCache = Mutex<[String: CachedAnswer]>([:])

    private struct CachedCRL: Sendable {
        var der: [UInt8]
        var expires: Int64
    }

    private struct CachedAnswer: Sendable {
        var status: RevocationStatus
        var expires: Int64
    }

    /// - Parameter timeout: seconds for each download, connect included.
    public init(timeout: Double = 5) {
        self.timeout = timeout
    }

    /// The revocation status of `certificate`, issued by the certificate whose DER is `issuerDER`.
    /// - Parameter stapled: the OCSP response an endpoint stapled while serving it, if any.
    public func status(of certificate: CertificateFact, issuerDER: [UInt8]?, stapled: [UInt8]? = nil) -> RevocationStatus {
        guard !certificate.isSelfIssued else { return .notApplicable }
        guard stapled != nil || !certificate.ocspURLs.isEmpty || !certificate.crlURLs.isEmpty else {
            return .unknown("the certificate names no OCSP responder and no CRL distribution point, and no OCSP response was stapled")
        }
        guard let issuerDER,
            let issuer = try? CertificateParser.certificate(der: issuerDER, source: "issuer"),
            let subject = try? CertificateParser.certificate(der: certificate.der, source: certificate.fingerprint)
        else {
            return .unknown("the issuer certificate was not found, so no revocation answer could be verified")
        }
        var reasons: [String] = []
        if let stapled {
            switch ocspStatus(response: stapled, subject: subject, issuer: issuer, source: "stapled OCSP response") {
            case .unknown(let why): reasons.append(why)
            case let answer: return answer
            }
        }
        for url in certificate.ocspURLs {
            switch ocsp(url, subject: subject, issuer: issuer, serial: certificate.serial) {
            case .unknown(let why): reasons.append(why)
            case let answer: return answer
            }
        }
        for url in certificate.crlURLs {
            switch crl(url, subject: subject, issuer: issuer) {
            case .unknown(let why): reasons.append(why)
            case let answer: return answer
            }
        }
        return .unknown(reasons.joined(separator: "; "))
    }

    // MARK: OCSP

    private func ocsp(_ url: String, subject: X509Certificate, issuer: X509Certificate, serial: String) -> RevocationStatus {
        let key = url + "|" + serial + "|" + StableDigest.hex(sha256: Self.der(of: issuer))
        let now = Int64(time(nil))
        if let cached = ocspCache.withLock({ $0[key] }), cached.expires > now { return cached.status }

        guard let request = OCSP_REQUEST_new() else { return .unknown("\(url): \(openSSLErrorText())") }
        defer { OCSP_REQUEST_free(request) }
        guard let identifier = OCSP_cert_to_id(EVP_sha1(), subject.pointer, issuer.pointer),
            OCSP_request_add0_id(request, identifier) != nil
        else { return .unknown("\(url): cannot build the OCSP request: \(openSSLErrorText())") }
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_OCSP_REQUEST(request, &output)
        guard length > 0, let output else { return .unknown("\(url): cannot encode the OCSP request") }
        let requestDER = Array(UnsafeBufferPointer(start: output, count: Int(length)))
        CRYPTO_free(output, #fileID, #line)

        let response: [UInt8]
        do {
            response = try PlainHTTP.fetch(url, post: requestDER, contentType: "application/ocsp-request", timeout: timeout)
        } catch {
            return .unknown("OCSP \(error.description)")
        }
        let (status, nextUpdate) = ocspAnswer(response: response, subject: subject, issuer: issuer, source: url)
        if case .unknown = status { return status }
        ocspCache.withLock { $0[key] = CachedAnswer(status: status, expires: nextUpdate ?? now + 3600) }
        return status
    }

    private func ocspStatus(response: [UInt8], subject: X509Certificate, issuer: X509Certificate, source: String) -> RevocationStatus {
        ocspAnswer(response: response, subject: subject, issuer: issuer, source: source).status
    }

    /// The verified answer of an OCSP response about `subject`, and when it stops being current.
    private func ocspAnswer(
        response bytes: [UInt8], subject: X509Certificate, issuer: X509Certificate, source: String
    ) -> (status: RevocationStatus, nextUpdate: Int64?) {
        defer { ERR_clear_error() }
        let parsed = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_OCSP_RESPONSE(nil, &cursor, buffer.count)
        }
        guard let response = parsed else { return (.unknown("\(source): not an OCSP response"), nil) }
        defer { OCSP_RESPONSE_free(response) }
        let responseStatus = OCSP_response_status(response)
        guard responseStatus == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            let text = OCSP_response_status_str(Int(responseStatus)).map { String(cString: $0) } ?? "\(responseStatus)"
            return (.unknown("\(source): the responder answered \"\(text)\""), nil)
        }
        guard let basic = OCSP_response_get1_basic(response) else { return (.unknown("\(source): no basic OCSP response"), nil) }
        defer { OCSP_BASICRESP_free(basic) }

        // The responder must be the issuer or a signer the issuer delegated to; the issuer is the
        // anchor here, whether or not the system trusts it (that is tls.cert.untrusted_chain's
        // question, not this one).
        guard let store = X509_STORE_new(), let issuers = canh_x509_stack_new() else { return (.unknown("\(source): out of memory"), nil) }
        defer {
            X509_STORE_free(store)
            canh_x509_stack_free(issuers)
        }
        X509_STORE_add_cert(store, issuer.pointer)
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        canh_x509_stack_push(issuers, issuer.pointer)
        guard OCSP_basic_verify(basic, issuers, store, 0) == 1 else {
            return (.unknown("\(source): the OCSP response's signature does not verify: \(openSSLErrorText())"), nil)
        }

        guard let identifier = OCSP_cert_to_id(EVP_sha1(), subject.pointer, issuer.pointer) else {
            return (.unknown("\(source): \(openSSLErrorText())"), nil)
        }
        defer { OCSP_CERTID_free(identifier) }
        var status: Int32 = 0
        var reason: Int32 = 0
        var revokedAt: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard OCSP_resp_find_status(basic, identifier, &status, &reason, &revokedAt, &thisUpdate, &nextUpdate) == 1 else {
            return (.unknown("\(source): the response does not cover this certificate"), nil)
        }
        guard OCSP_check_validity(thisUpdate, nextUpdate, 300, -1) == 1 else {
            return (.unknown("\(source): the OCSP response is not current (outside its thisUpdate–nextUpdate period)"), nil)
        }
        let expires = CertificateParser.timestamp(nextUpdate.map { UnsafePointer($0) }).map { $0.microsecondsSinceEpoch / 1_000_000 }
        switch status {
        case V_OCSP_CERTSTATUS_GOOD:
            return (.good(source: source), expires)
        case V_OCSP_CERTSTATUS_REVOKED:
            let reasonText = reason >= 0 ? OCSP_crl_reason_str(Int(reason)).map { String(cString: $0) } : nil
            return (
                .revoked(source: source, reason: reasonText, time: CertificateParser.timestamp(revokedAt.map { UnsafePointer($0) })),
                expires
            )
        default:
            return (.unknown("\(source): the responder does not know this certificate"), nil)
        }
    }

    // MARK: CRL

    private func crl(_ url: String, subject: X509Certificate, issuer: X509Certificate) -> RevocationStatus {
        let now = Int64(time(nil))
        var der = crlCache.withLock { cache in cache[url].flatMap { $0.expires > now ? $0.der : nil } }
        if der == nil {
            do {
                der = try PlainHTTP.fetch(url, timeout: timeout)
            } catch {
                return .unknown("CRL \(error.description)")
            }
        }
        guard let bytes = der else { return .unknown("CRL \(url): nothing downloaded") }
        defer { ERR_clear_error() }
        guard let list = Self.parseCRL(bytes) else { return .unknown("CRL \(url): not a CRL (DER or PEM)") }
        defer { X509_CRL_free(list) }
        guard X509_NAME_cmp(X509_CRL_get_issuer(list), X509_get_subject_name(issuer.pointer)) == 0 else {
            return .unknown("CRL \(url): issued by another CA than the certificate's issuer")
        }
        guard let key = X509_get0_pubkey(issuer.pointer), X509_CRL_verify(list, key) == 1 else {
            return .unknown("CRL \(url): its signature does not verify with the issuer's key")
        }
        guard let next = X509_CRL_get0_nextUpdate(list), X509_cmp_current_time(next) > 0 else {
            return .unknown("CRL \(url): out of date (its nextUpdate has passed)")
        }
        let expires = CertificateParser.timestamp(next).map { $0.microsecondsSinceEpoch / 1_000_000 } ?? now + 3600
        crlCache.withLock { $0[url] = CachedCRL(der: bytes, expires: expires) }

        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(list, &entry, subject.pointer) == 1, let entry else { return .good(source: url) }
        var reasonText: String?
        if let raw = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nil, nil) {
            let code = ASN1_ENUMERATED_get(raw.assumingMemoryBound(to: ASN1_ENUMERATED.self))
            reasonText = OCSP_crl_reason_str(code).map { String(cString: $0) }
            ASN1_ENUMERATED_free(raw.assumingMemoryBound(to: ASN1_ENUMERATED.self))
        }
        return .revoked(source: url, reason: reasonText, time: CertificateParser.timestamp(X509_REVOKED_get0_revocationDate(entry)))
    }

    private static func parseCRL(_ bytes: [UInt8]) -> OpaquePointer? {
        if let list = bytes.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509_CRL(nil, &cursor, buffer.count)
        }) {
            return list
        }
        guard let bio = MemoryBIO(reading: bytes) else { return nil }
        return PEM_read_bio_X509_CRL(bio.pointer, nil, nil, nil)
    }

    private static func der(of certificate: X509Certificate) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(certificate.pointer, &output)
        guard length > 0, let output else { return [] }
        defer { CRYPTO_free(output, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}
