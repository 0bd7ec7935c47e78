internal import COpenSSL
import CanhModel
import Glibc

/// The handshake an ordinary client gets, made with OpenSSL at security level 0 and without
/// verification, so that weak and broken servers can still be observed (verification is done
/// separately, on the served chain, by `ChainVerifier`).
struct TLSHandshake {
    var protocolName: String
    var cipherName: String
    var chain: [CertificateFact]
    var stapledOCSP: [UInt8]?

    static func perform(
        with endpoint: Endpoint, connectTimeout: Double, handshakeTimeout: Double
    ) throws(EndpointError) -> TLSHandshake {
        let connection = try TCPConnection.connect(host: endpoint.host, port: endpoint.port, timeout: connectTimeout)
        let deadline = Deadline.after(seconds: handshakeTimeout)
        if let kind = endpoint.startTLS {
            try StartTLSNegotiation.negotiate(kind, on: connection, until: deadline, timeout: handshakeTimeout)
        }
        guard let method = TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw .handshakeFailed(endpoint: connection.endpoint, reason: openSSLErrorText())
        }
        defer { SSL_CTX_free(context) }
        SSL_CTX_set_security_level(context, 0)
        _ = canh_ssl_ctx_set_min_proto(context, TLS1_VERSION)
        SSL_CTX_set_cipher_list(context, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        guard let ssl = SSL_new(context) else { throw .handshakeFailed(endpoint: connection.endpoint, reason: openSSLErrorText()) }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, connection.descriptor)
        if !isIPLiteral(endpoint.serverName) { _ = canh_ssl_set_host_name(ssl, endpoint.serverName) }
        _ = canh_ssl_request_ocsp_staple(ssl)

        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { break }
            let error = SSL_get_error(ssl, result)
            let events: Int16
            switch error {
            case SSL_ERROR_WANT_READ: events = Int16(POLLIN)
            case SSL_ERROR_WANT_WRITE: events = Int16(POLLOUT)
            default:
                let reason = openSSLErrorText()
                throw .handshakeFailed(
                    endpoint: connection.endpoint, reason: reason == "unknown OpenSSL error" ? "the server closed the connection" : reason)
            }
            guard connection.wait(for: events, until: deadline) else {
                throw .handshakeTimedOut(endpoint: connection.endpoint, seconds: handshakeTimeout)
            }
        }

        var chain: [CertificateFact] = []
        if let served = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<canh_x509_stack_count(served) {
                guard let certificate = canh_x509_stack_value(served, index) else { continue }
                var output: UnsafeMutablePointer<UInt8>?
                let length = i2d_X509(certificate, &output)
                guard length > 0, let output else { continue }
                let der = Array(UnsafeBufferPointer(start: output, count: Int(length)))
                CRYPTO_free(output, #fileID, #line)
                if let fact = try? CertificateParser.fact(der: der, source: connection.endpoint) { chain.append(fact) }
            }
        }
        var stapled: UnsafePointer<UInt8>?
        let stapledLength = canh_ssl_stapled_ocsp(ssl, &stapled)
        let stapledOCSP = stapledLength > 0 ? stapled.map { Array(UnsafeBufferPointer(start: $0, count: stapledLength)) } : nil
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? ""
        ERR_clear_error()
        return TLSHandshake(
            protocolName: String(cString: SSL_get_version(ssl)), cipherName: cipher, chain: chain, stapledOCSP: stapledOCSP)
    }
}

func isIPLiteral(_ text: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
}
