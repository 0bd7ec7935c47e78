internal import COpenSSL
public import CanhModel
import Glibc

/// What a certificate or key file holds.
public struct TLSFileContents: Sendable {
    public var parsedCertificates: [ParsedCertificate]
    public var privateKeys: [PrivateKeyFact]

    public var certificates: [CertificateFact] { parsedCertificates.map(\.fact) }
}

/// A certificate parsed once: its facts, and OpenSSL's decoded form kept for chain verification
/// (decoding the public key dominates parsing in OpenSSL 3, so it is not done twice).
///
/// `@unchecked Sendable`: the X509 object is only read after parsing.
public final class ParsedCertificate: @unchecked Sendable {
    public let fact: CertificateFact
    let x509: X509Certificate

    init(fact: CertificateFact, x509: X509Certificate) {
        self.fact = fact
        self.x509 = x509
    }

    /// Decodes the DER of `fact` again, for certificates known only as facts (a served chain).
    public convenience init(_ fact: CertificateFact) throws(TLSInspectionError) {
        self.init(fact: fact, x509: try CertificateParser.certificate(der: fact.der, source: fact.fingerprint))
    }
}

/// Reads certificates and private keys with OpenSSL: every PEM block of a file or bundle, or one
/// DER certificate or key, turned into facts. No OpenSSL object leaves this module.
public enum CertificateParser {
    /// The certificates in `bytes`.
    /// - Parameter source: names the input in errors (a path, an endpoint).
    /// - Throws: `TLSInspectionError` when there is no certificate or one cannot be parsed.
    public static func certificates(in bytes: [UInt8], source: String) throws(TLSInspectionError) -> [CertificateFact] {
        let contents = try contents(of: bytes, source: source)
        guard !contents.certificates.isEmpty else { throw .noCertificate(source: source) }
        return contents.certificates
    }

    /// The certificates and private keys in `bytes` (PEM with any number of blocks, or DER).
    /// - Throws: `TLSInspectionError` when there is neither, or a block is damaged.
    public static func contents(of bytes: [UInt8], source: String) throws(TLSInspectionError) -> TLSFileContents {
        ERR_clear_error()
        let contents = try looksLikePEM(bytes) ? readPEM(bytes, source: source) : readDER(bytes, source: source)
        guard !contents.parsedCertificates.isEmpty || !contents.privateKeys.isEmpty else { throw .noCertificate(source: source) }
        return contents
    }

    /// The facts of one DER certificate, as served in a TLS handshake.
    static func fact(der: [UInt8], source: String) throws(TLSInspectionError) -> CertificateFact {
        try parsed(der: der, source: source).fact
    }

    static func certificate(der bytes: [UInt8], source: String) throws(TLSInspectionError) -> X509Certificate {
        try decode(bytes, source: source).certificate
    }

    /// The certificate at the start of `bytes`, and whether it spans all of them (then `bytes` is
    /// its DER and need not be encoded again).
    private static func decode(_ bytes: [UInt8], source: String) throws(TLSInspectionError) -> (certificate: X509Certificate, isWhole: Bool)
    {
        var consumed = 0
        let pointer = LibraryContextPool.shared.withContext { context in
            bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var cursor = buffer.baseAddress
                // Decoding the public key happens here, in the borrowed context.
                var certificate = X509_new_ex(context, nil)
                guard certificate != nil else { return nil }
                let decoded = d2i_X509(&certificate, &cursor, buffer.count)
                if decoded == nil { X509_free(certificate) }
                if let cursor, let start = buffer.baseAddress { consumed = cursor - start }
                return decoded
            }
        }
        guard let pointer else { throw .malformedCertificate(source: source, reason: openSSLErrorText()) }
        return (X509Certificate(taking: pointer), consumed == bytes.count)
    }

    /// Decodes one DER certificate into its facts and decoded form.
    private static func parsed(der bytes: [UInt8], source: String) throws(TLSInspectionError) -> ParsedCertificate {
        let (certificate, isWhole) = try decode(bytes, source: source)
        return ParsedCertificate(fact: try fact(certificate, source: source, der: isWhole ? bytes : nil), x509: certificate)
    }

    private static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0..<$0 + marker.count].elementsEqual(marker) }
    }

    private static let certificateLabels: Set<String> = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]

    private static func readPEM(_ bytes: [UInt8], source: String) throws(TLSInspectionError) -> TLSFileContents {
        guard let bio = MemoryBIO(reading: bytes) else {
            throw .openSSLFailure(function: "BIO_new_mem_buf", reason: openSSLErrorText())
        }
        var contents = TLSFileContents(parsedCertificates: [], privateKeys: [])
        while true {
            var name: UnsafeMutablePointer<CChar>?
            var header: UnsafeMutablePointer<CChar>?
            var data: UnsafeMutablePointer<UInt8>?
            var length = 0
            guard PEM_read_bio(bio.pointer, &name, &header, &data, &length) == 1 else { break }
            defer {
                CRYPTO_free(name, #fileID, #line)
                CRYPTO_free(header, #fileID, #line)
                CRYPTO_free(data, #fileID, #line)
            }
            let label = name.map { String(cString: $0) } ?? ""
            let block = data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
            if certificateLabels.contains(label) {
                if label == "TRUSTED CERTIFICATE" {
                    let pointer = block.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                        var cursor = buffer.baseAddress
                        return d2i_X509_AUX(nil, &cursor, buffer.count)
                    }
                    guard let pointer else { throw .malformedCertificate(source: source, reason: openSSLErrorText()) }
                    let certificate = X509Certificate(taking: pointer)
                    contents.parsedCertificates.append(ParsedCertificate(fact: try fact(certificate, source: source), x509: certificate))
                } else {
                    contents.parsedCertificates.append(try parsed(der: block, source: source))
                }
            } else if label.hasSuffix("PRIVATE KEY") {
                let encrypted = label.hasPrefix("ENCRYPTED") || (header.map { String(cString: $0).contains("ENCRYPTED") } ?? false)
                contents.privateKeys.append(PrivateKeyFact(kind: label, isEncrypted: encrypted))
            }
        }
        // Reading stops with "no start line" at the end of the input; anything else is damage.
        let error = ERR_peek_last_error()
        if error != 0, ERR_GET_REASON(error) != PEM_R_NO_START_LINE {
            throw .malformedCertificate(source: source, reason: openSSLErrorText())
        }
        ERR_clear_error()
        return contents
    }

    private static func readDER(_ bytes: [UInt8], source: String) throws(TLSInspectionError) -> TLSFileContents {
        // A DER certificate or key is an ASN.1 SEQUENCE; anything else is not one at all.
        guard bytes.first == 0x30 else { throw .noCertificate(source: source) }
        let certificateError: String
        do {
            return TLSFileContents(parsedCertificates: [try parsed(der: bytes, source: source)], privateKeys: [])
        } catch {
            certificateError = error.description
        }
        let key = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        if let key {
            let kind = String(cString: OBJ_nid2sn(EVP_PKEY_get_base_id(key)))
            EVP_PKEY_free(key)
            ERR_clear_error()
            return TLSFileContents(
                parsedCertificates: [], privateKeys: [PrivateKeyFact(kind: "\(kind) PRIVATE KEY (DER)", isEncrypted: false)])
        }
        ERR_clear_error()
        throw .malformedCertificate(source: source, reason: certificateError)
    }

    /// - Parameter der: the certificate's DER when the caller has it; else it is encoded again.
    private static func fact(_ certificate: X509Certificate, source: String, der known: [UInt8]? = nil) throws(TLSInspectionError)
        -> CertificateFact
    {
        let x509 = certificate.pointer
        guard let notBefore = timestamp(X509_get0_notBefore(x509)), let notAfter = timestamp(X509_get0_notAfter(x509)) else {
            throw .malformedCertificate(source: source, reason: "validity dates cannot be read")
        }
        let key = X509_get0_pubkey(x509)
        let keyType: CertificateFact.KeyType =
            switch key.map(EVP_PKEY_get_base_id) {
            case EVP_PKEY_RSA: .rsa
            case EVP_PKEY_EC: .ec
            case EVP_PKEY_ED25519: .ed25519
            case EVP_PKEY_ED448: .ed448
            case EVP_PKEY_DSA: .dsa
            default: .other
            }
        let subject = name(X509_get_subject_name(x509))
        let issuer = name(X509_get_issuer_name(x509))
        let (dnsNames, ipAddresses) = subjectAlternativeNames(x509)
        let der: [UInt8]
        if let known { der = known } else { der = try encoded(x509, source: source) }
        return CertificateFact(
            fingerprint: StableDigest.hex(sha256: der), subject: subject, issuer: issuer, serial: serial(x509),
            notBefore: notBefore, notAfter: notAfter, keyType: keyType, keyBits: Int(key.map(EVP_PKEY_get_bits) ?? 0),
            signatureAlgorithm: String(cString: OBJ_nid2ln(X509_get_signature_nid(x509))), dnsNames: dnsNames,
            ipAddresses: ipAddresses, isSelfIssued: X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)) == 0,
            isCertificateAuthority: X509_check_ca(x509) > 0, ocspURLs: ocspURLs(x509), crlURLs: crlURLs(x509),
            der: der, signatureHash: signatureHash(x509))
    }

    /// The digest of the signature as OpenSSL resolves it (also inside RSA-PSS parameters); nil
    /// for algorithms without a separate digest, such as Ed25519.
    private static func signatureHash(_ x509: OpaquePointer) -> String? {
        var digest: Int32 = 0
        var publicKey: Int32 = 0
        guard X509_get_signature_info(x509, &digest, &publicKey, nil, nil) == 1, digest != NID_undef, let name = OBJ_nid2sn(digest)
        else { return nil }
        return String(cString: name).lowercased()
    }

    private static func encoded(_ x509: OpaquePointer, source: String) throws(TLSInspectionError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(x509, &output)
        guard length > 0, let output else { throw .malformedCertificate(source: source, reason: "cannot be encoded as DER") }
        defer { CRYPTO_free(output, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    private static func ocspURLs(_ x509: OpaquePointer) -> [String] {
        guard let urls = X509_get1_ocsp(x509) else { return [] }
        defer { X509_email_free(urls) }
        return (0..<canh_string_stack_count(urls)).compactMap { canh_string_stack_value(urls, $0).map { String(cString: $0) } }
    }

    private static func crlURLs(_ x509: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(x509, NID_crl_distribution_points, nil, nil) else { return [] }
        let points = OpaquePointer(raw)
        defer { CRL_DIST_POINTS_free(points) }
        var urls: [String] = []
        for index in 0..<canh_dist_points_count(points) {
            guard let point = canh_dist_points_value(points, index), let name = point.pointee.distpoint,
                name.pointee.type == 0, let names = name.pointee.name.fullname
            else { continue }
            for nameIndex in 0..<canh_general_names_count(names) {
                guard let entry = canh_general_names_value(names, nameIndex), entry.pointee.type == GEN_URI,
                    let text = string(entry.pointee.d.uniformResourceIdentifier)
                else { continue }
                urls.append(text)
            }
        }
        return urls
    }

    private static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = MemoryBIO() else { return "" }
        X509_NAME_print_ex(bio.pointer, name, 0, canh_name_print_flags())
        return bio.contents()
    }

    private static func serial(_ x509: OpaquePointer) -> String {
        guard let number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509), nil) else { return "" }
        defer { BN_free(number) }
        guard let hex = BN_bn2hex(number) else { return "" }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex).lowercased()
    }

    static func timestamp(_ time: UnsafePointer<ASN1_TIME>?) -> Timestamp? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Timestamp(secondsSinceEpoch: Int64(timegm(&parts)))
    }

    private static func subjectAlternativeNames(_ x509: OpaquePointer) -> (dns: [String], ip: [String]) {
        guard let raw = X509_get_ext_d2i(x509, NID_subject_alt_name, nil, nil) else { return ([], []) }
        let names = OpaquePointer(raw)
        defer { canh_general_names_free(names) }
        var dns: [String] = []
        var ip: [String] = []
        for index in 0..<canh_general_names_count(names) {
            guard let entry = canh_general_names_value(names, index) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let text = string(entry.pointee.d.dNSName) { dns.append(text) }
            case GEN_IPADD:
                if let address = ipAddress(entry.pointee.d.iPAddress) { ip.append(address) }
            default:
                break
            }
        }
        return (dns, ip)
    }

    private static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    private static func string(_ value: UnsafeMutablePointer<ASN1_IA5STRING>?) -> String? {
        bytes(value.map { UnsafePointer($0) }).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func ipAddress(_ value: UnsafeMutablePointer<ASN1_OCTET_STRING>?) -> String? {
        guard let octets = bytes(value.map { UnsafePointer($0) }) else { return nil }
        var text = [CChar](repeating: 0, count: 64)
        let family = octets.count == 4 ? AF_INET : AF_INET6
        guard octets.count == 4 || octets.count == 16,
            octets.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil
        else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
