internal import COpenSSL
import CanhModel

/// The certificates a chain must lead to: the system's trust store (the CA certificates
/// `update-ca-certificates` maintains) and the agency's own anchors given with `--trust`, such as
/// the Government Cipher Committee's CA.
///
/// `@unchecked Sendable`: the X509_STORE is only read after `init`, and OpenSSL locks its own
/// lookups, so verifying from several threads at once is safe.
public final class TrustStore: @unchecked Sendable {
    let store: OpaquePointer
    /// Fingerprints of the `--trust` anchors, so that a scanned copy of one is recognised.
    public let anchorFingerprints: Set<String>

    /// - Parameters:
    ///   - anchors: PEM or DER files whose certificates are trusted in addition to the system's.
    ///   - includeSystemStore: false only in tests that need a store without the public CAs.
    /// - Throws: `TLSInspectionError` naming an anchor file that cannot be read or holds no certificate.
    public init(anchors: [(path: String, bytes: [UInt8])], includeSystemStore: Bool = true) throws(TLSInspectionError) {
        guard let store = X509_STORE_new() else { throw .openSSLFailure(function: "X509_STORE_new", reason: openSSLErrorText()) }
        self.store = store
        if includeSystemStore { X509_STORE_set_default_paths(store) }
        var fingerprints: Set<String> = []
        for anchor in anchors {
            for fact in try CertificateParser.certificates(in: anchor.bytes, source: anchor.path) {
                let certificate = try CertificateParser.certificate(der: fact.der, source: anchor.path)
                X509_STORE_add_cert(store, certificate.pointer)
                fingerprints.insert(fact.fingerprint)
            }
        }
        ERR_clear_error()
        anchorFingerprints = fingerprints
    }

    deinit { X509_STORE_free(store) }
}
