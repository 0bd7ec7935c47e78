internal import COpenSSL
public import CanhModel
import Glibc

/// Whether a certificate leads to a trusted anchor, at a given time.
public struct ChainVerdict: Sendable, Hashable {
    public var isTrusted: Bool
    /// OpenSSL's reason when it is not, e.g. "unable to get local issuer certificate".
    public var reason: String?
    /// The issuer's DER, when the chain reached it and it was asked for (for revocation checks).
    public var issuerDER: [UInt8]?
}

/// Certificates that may serve as intermediates when chains are built: the CA certificates among
/// everything a scan saw. Parsed once, shared by every verification.
///
/// `@unchecked Sendable`: the stack and certificates are only read after `init` (OpenSSL copies
/// the untrusted stack into each verification context).
public final class IntermediatePool: @unchecked Sendable {
    fileprivate let stack: OpaquePointer?
    private let certificates: [X509Certificate]

    /// Keeps the certificate authorities of `candidates`; leaves cannot issue and are skipped.
    public init(_ candidates: [ParsedCertificate]) {
        certificates = candidates.filter(\.fact.isCertificateAuthority).map(\.x509)
        stack = canh_x509_stack_new()
        if let stack { for certificate in certificates { canh_x509_stack_push(stack, certificate.pointer) } }
    }

    deinit { if let stack { canh_x509_stack_free(stack) } }
}

/// Builds and verifies certificate chains with OpenSSL's verifier.
public enum ChainVerifier {
    /// Verifies `certificate` against `trust` with the `intermediates` as candidate issuers, at
    /// `time` (the scan's `--now`); `needsIssuer` when revocation will be checked. Weak keys and
    /// signatures do not fail verification here: rules judge them.
    public static func verify(
        _ certificate: ParsedCertificate, intermediates: IntermediatePool, trust: TrustStore, at time: Timestamp,
        needsIssuer: Bool = true
    ) -> ChainVerdict {
        LibraryContextPool.shared.withContext { library in
            verify(certificate, intermediates: intermediates, trust: trust, at: time, needsIssuer: needsIssuer, in: library)
        }
    }

    private static func verify(
        _ certificate: ParsedCertificate, intermediates: IntermediatePool, trust: TrustStore, at time: Timestamp, needsIssuer: Bool,
        in library: OpaquePointer?
    ) -> ChainVerdict {
        let leaf = certificate.x509
        guard let context = X509_STORE_CTX_new_ex(library, nil) else {
            return ChainVerdict(isTrusted: false, reason: "out of memory", issuerDER: nil)
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, trust.store, leaf.pointer, intermediates.stack) == 1 else {
            return ChainVerdict(isTrusted: false, reason: openSSLErrorText(), issuerDER: nil)
        }
        X509_STORE_CTX_set_time(context, 0, time_t(time.microsecondsSinceEpoch / 1_000_000))
        // The certificate's own validity period is tls.cert.expired's and not_yet_valid's
        // question; the chain is judged on its issuers, whose periods still count.
        X509_STORE_CTX_set_verify_cb(context) { ok, context in
            guard ok == 0, let context, X509_STORE_CTX_get_error_depth(context) == 0 else { return ok }
            let error = X509_STORE_CTX_get_error(context)
            return error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID ? 1 : ok
        }
        let verified = X509_verify_cert(context) == 1
        let error = X509_STORE_CTX_get_error(context)
        let issuer = needsIssuer ? issuerDER(context, trusted: verified) : nil
        ERR_clear_error()
        return ChainVerdict(
            isTrusted: verified, reason: verified ? nil : String(cString: X509_verify_cert_error_string(Int(error))), issuerDER: issuer)
    }

    /// The DER of the certificate above the first in the built chain; a trusted chain of one is
    /// a self-issued anchor, its own issuer.
    private static func issuerDER(_ context: OpaquePointer, trusted: Bool) -> [UInt8]? {
        guard let chain = X509_STORE_CTX_get0_chain(context) else { return nil }
        let count = canh_x509_stack_count(chain)
        guard count > 1 || (trusted && count == 1), let issuer = canh_x509_stack_value(chain, count > 1 ? 1 : 0) else { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(issuer, &output)
        guard length > 0, let output else { return nil }
        defer { CRYPTO_free(output, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// Whether the certificate is valid for `host` (a DNS name, or an IP address matched against
    /// IP SANs), by RFC 6125 rules as OpenSSL implements them.
    public static func matches(_ certificate: CertificateFact, host: String) -> Bool {
        guard let x509 = try? CertificateParser.certificate(der: certificate.der, source: certificate.fingerprint) else { return false }
        defer { ERR_clear_error() }
        if isIPLiteral(host) { return X509_check_ip_asc(x509.pointer, host, 0) == 1 }
        return X509_check_host(x509.pointer, host, host.utf8.count, 0, nil) == 1
    }
}
