import CanhModel
import Foundation
import TLSInspection
import TestSupport
import Testing

/// Revocation against a real test CA: `openssl ocsp` answering over HTTP on 127.0.0.1, a CRL
/// made by `openssl ca -gencrl`, and a response stapled by `openssl s_server`.
@Suite(.serialized) struct RevocationCheckerTests {
    let pki: TestPKI
    let issuer: [UInt8]

    init() async throws {
        pki = try await TestPKI()
        issuer = try #require(try Self.certificate(pki.caCertificate)).der
    }

    private static func certificate(_ path: String) throws -> CertificateFact? {
        try CertificateParser.certificates(in: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), source: path).first
    }

    @Test("OCSP: a good and a revoked certificate, each answered by the AIA responder")
    func ocsp() async throws {
        let good = try #require(try await Self.certificate(pki.issue("good.test").certificate))
        let revokedLeaf = try await pki.issue("revoked.test")
        try await pki.revoke(revokedLeaf)
        let revoked = try #require(try Self.certificate(revokedLeaf.certificate))
        let server = try await pki.startRevocationServer()
        let checker = RevocationChecker(timeout: 5)
        #expect(checker.status(of: good, issuerDER: issuer) == .good(source: pki.ocspURL))
        guard case .revoked(let source, _, let time) = checker.status(of: revoked, issuerDER: issuer) else {
            Issue.record("revoked.test is not reported revoked")
            return
        }
        #expect(source == pki.ocspURL)
        #expect(time != nil)
        _ = server
    }

    @Test("CRL: a certificate naming only a distribution point is found on the CRL")
    func crl() async throws {
        let leaf = try await pki.issue("crl-only.test", revocationInfo: .crlOnly)
        let kept = try #require(try await Self.certificate(pki.issue("kept.test", revocationInfo: .crlOnly).certificate))
        try await pki.revoke(leaf)
        try await pki.publishCRL()
        let server = try await pki.startRevocationServer()
        let checker = RevocationChecker(timeout: 5)
        let revoked = try #require(try Self.certificate(leaf.certificate))
        guard case .revoked(let source, _, _) = checker.status(of: revoked, issuerDER: issuer) else {
            Issue.record("crl-only.test is not on the CRL: \(checker.status(of: revoked, issuerDER: issuer))")
            return
        }
        #expect(source == pki.crlURL)
        #expect(checker.status(of: kept, issuerDER: issuer) == .good(source: pki.crlURL))
        _ = server
    }

    @Test("an unreachable responder and CRL give unknown with both reasons, never good")
    func unreachable() async throws {
        let leaf = try #require(try await Self.certificate(pki.issue("lonely.test").certificate))
        let status = RevocationChecker(timeout: 2).status(of: leaf, issuerDER: issuer)
        guard case .unknown(let why) = status else {
            Issue.record("expected unknown, got \(status)")
            return
        }
        #expect(why.contains("OCSP \(pki.ocspURL)"))
        #expect(why.contains("CRL \(pki.crlURL)"))
    }

    @Test("a certificate that names no source is unknown; a self-signed one is not applicable")
    func noSources() async throws {
        let plain = try #require(try await Self.certificate(pki.issue("plain.test", revocationInfo: .none).certificate))
        let checker = RevocationChecker(timeout: 2)
        #expect(
            checker.status(of: plain, issuerDER: issuer)
                == .unknown("the certificate names no OCSP responder and no CRL distribution point, and no OCSP response was stapled"))
        let selfSigned = try #require(try await Self.certificate(pki.selfSigned("self.test").certificate))
        #expect(checker.status(of: selfSigned, issuerDER: nil) == .notApplicable)
    }

    @Test("a response stapled by the server is used without asking the responder")
    func stapled() async throws {
        let leaf = try await pki.issue("stapled.test", ips: ["127.0.0.1"], revocationInfo: .none)
        try await pki.revoke(leaf)
        let staple = try await pki.ocspResponse(for: leaf)
        let server = try await pki.server(for: leaf, extra: ["-status_file", staple])
        let fact = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: server.port, serverName: "stapled.test"))
        let stapledResponse = try #require(fact.stapledOCSP)
        let served = try #require(fact.chain.first)
        guard
            case .revoked(let source, _, _) = RevocationChecker(timeout: 2).status(of: served, issuerDER: issuer, stapled: stapledResponse)
        else {
            Issue.record("the stapled response was not used")
            return
        }
        #expect(source == "stapled OCSP response")
    }

    @Test("a response about the right certificate, signed by another CA's responder, is not believed")
    func forgedResponse() async throws {
        let other = try await TestPKI()
        let leaf = try await pki.issue("forged.test", revocationInfo: .none)
        _ = try await other.issue("forged.test", revocationInfo: .none)  // the same serial in the other CA's index
        // The request names our CA; the other CA's responder signs a "good" answer to it.
        let request = pki.directory.file("forged.req")
        let response = pki.directory.file("forged.resp")
        let asked = try await ProcessRunner.run(
            "/usr/bin/openssl", ["ocsp", "-issuer", pki.caCertificate, "-cert", leaf.certificate, "-no_nonce", "-reqout", request])
        try #require(asked.status == 0, "\(asked.standardError)")
        let answered = try await ProcessRunner.run(
            "/usr/bin/openssl",
            [
                "ocsp", "-index", other.directory.file("index.txt"), "-CA", pki.caCertificate, "-rsigner", other.directory.file("ocsp.pem"),
                "-rkey", other.directory.file("ocsp.key"), "-reqin", request, "-respout", response, "-ndays", "1",
            ])
        try #require(answered.status == 0, "\(answered.standardError)")
        let fact = try #require(try Self.certificate(leaf.certificate))
        let status = RevocationChecker(timeout: 2).status(
            of: fact, issuerDER: issuer, stapled: [UInt8](try Data(contentsOf: URL(fileURLWithPath: response))))
        guard case .unknown(let why) = status else {
            Issue.record("a foreign response was accepted: \(status)")
            return
        }
        #expect(why.contains("signature does not verify"), "\(why)")
    }
}
