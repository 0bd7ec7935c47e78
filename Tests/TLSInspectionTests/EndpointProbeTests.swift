import CanhModel
import Foundation
import TLSInspection
import TestSupport
import Testing

/// Probes against real `openssl s_server` instances on 127.0.0.1.
@Suite(.serialized) struct EndpointProbeTests {
    let pki: TestPKI
    let leaf: TestPKI.Leaf

    init() async throws {
        pki = try await TestPKI()
        leaf = try await pki.issue("portal.test", ips: ["127.0.0.1"])
    }

    private func endpoint(_ server: BackgroundServer, sni: String? = "portal.test") -> Endpoint {
        Endpoint(host: "127.0.0.1", port: server.port, serverName: sni)
    }

    @Test("a modern server: TLS 1.3, the served chain, and no legacy version or weak class accepted")
    func modernServer() async throws {
        let server = try await pki.server(for: leaf, extra: ["-cipher", "ECDHE+AESGCM"])
        let fact = EndpointProbe.probe(endpoint(server))
        #expect(fact.failure == nil)
        #expect(fact.negotiatedProtocol == "TLSv1.3")
        #expect(fact.chain.map(\.subject) == ["CN=portal.test", "CN=Canh Test CA,O=Canh Tests"])
        for legacy in ["SSLv3", "TLSv1", "TLSv1.1"] {
            guard case .rejected = fact.protocolProbes[legacy] else {
                Issue.record("\(legacy): \(String(describing: fact.protocolProbes[legacy]))")
                continue
            }
        }
        for cipherClass in CipherClass.allCases {
            guard case .rejected = fact.cipherProbes[cipherClass.rawValue] else {
                Issue.record("\(cipherClass.rawValue): \(String(describing: fact.cipherProbes[cipherClass.rawValue]))")
                continue
            }
        }
    }

    @Test("a server that still speaks TLS 1.0 is caught, with the suite it chose")
    func legacyProtocol() async throws {
        let server = try await pki.server(for: leaf, extra: ["-tls1", "-cipher", "ALL:@SECLEVEL=0"])
        let fact = EndpointProbe.probe(endpoint(server))
        #expect(fact.negotiatedProtocol == "TLSv1")
        guard case .accepted(let detail) = fact.protocolProbes["TLSv1"] else {
            Issue.record("TLSv1 not accepted: \(String(describing: fact.protocolProbes["TLSv1"]))")
            return
        }
        #expect(detail.hasPrefix("TLSv1 with "))
        guard case .rejected = fact.protocolProbes["TLSv1.1"] else {
            Issue.record("a -tls1 server must refuse TLS 1.1")
            return
        }
    }

    @Test("NULL and static-RSA suites are detected by class", arguments: [("NULL-SHA256", "NULL"), ("AES128-SHA", "static_rsa")])
    func weakCipher(serverCipher: String, cipherClass: String) async throws {
        let server = try await pki.server(for: leaf, extra: ["-no_tls1_3", "-cipher", "\(serverCipher):@SECLEVEL=0"])
        let fact = EndpointProbe.probe(endpoint(server))
        guard case .accepted(let detail) = fact.cipherProbes[cipherClass] else {
            Issue.record("\(cipherClass) not accepted: \(String(describing: fact.cipherProbes[cipherClass]))")
            return
        }
        #expect(detail == "\(serverCipher) over TLSv1.2")
        guard case .rejected = fact.cipherProbes["anonymous"] else {
            Issue.record("anonymous must be rejected")
            return
        }
    }

    @Test("a silent port and a closed port fail within the timeouts, naming the endpoint")
    func unreachable() throws {
        let silent = try SilentListener()
        let started = Date()
        let fact = EndpointProbe.probe(
            Endpoint(host: "127.0.0.1", port: silent.port), settings: EndpointProbeSettings(connectTimeout: 1, handshakeTimeout: 1))
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(fact.failure == "127.0.0.1:\(silent.port): connected, but no TLS handshake within 1 s (is it a TLS port?)")

        let closedPort = try FreePort.next()
        let closed = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: closedPort))
        #expect(closed.failure == "127.0.0.1:\(closedPort): cannot connect: Connection refused")
    }

    @Test("a port that speaks HTTP, not TLS: every probe fails, none passes")
    func notTLS() async throws {
        let directory = try TemporaryDirectory()
        let web = try await BackgroundServer(
            "/usr/bin/python3", ["-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", directory.path])
        let fact = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: web.port))
        #expect(fact.failure?.hasPrefix("127.0.0.1:\(web.port): TLS handshake failed") == true, "\(String(describing: fact.failure))")
        #expect(!fact.protocolProbes.isEmpty)
        for (name, result) in fact.protocolProbes.merging(fact.cipherProbes, uniquingKeysWith: { first, _ in first }) {
            #expect(result == .failed("the server answered with something other than TLS"), "\(name): \(result)")
        }
    }

    @Test("HOST:PORT[@SNI] is parsed, with IPv6 in brackets")
    func endpointSyntax() {
        #expect(Endpoint(parsing: "portal.hungyen.gov.vn:443") == Endpoint(host: "portal.hungyen.gov.vn", port: 443))
        #expect(Endpoint(parsing: "10.0.0.5:8443@dvc.hungyen.gov.vn")?.serverName == "dvc.hungyen.gov.vn")
        #expect(Endpoint(parsing: "[2001:db8::1]:443")?.host == "2001:db8::1")
        #expect(Endpoint(parsing: "[2001:db8::1]:443")?.description == "[2001:db8::1]:443")
        for bad in ["portal", "portal:", "portal:0", "portal:70000", ":443", "2001:db8::1:443", "a:443@", "[::1]443"] {
            #expect(Endpoint(parsing: bad) == nil, "\(bad) should be rejected")
        }
    }

    @Test("SMTP STARTTLS: the TLS side behind the upgrade is probed like any other")
    func smtpStartTLS() async throws {
        let server = try await pki.startTLSServer("smtp", for: leaf, legacy: true)
        let fact = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: server.port, serverName: "portal.test", startTLS: .smtp))
        #expect(fact.failure == nil)
        #expect(fact.chain.first?.subject == "CN=portal.test")
        guard case .accepted = fact.protocolProbes["TLSv1"] else {
            Issue.record("TLS 1.0 behind STARTTLS not seen: \(String(describing: fact.protocolProbes["TLSv1"]))")
            return
        }
    }

    @Test("a mail server without STARTTLS, and PostgreSQL's SSLRequest")
    func startTLSVariants() async throws {
        let plain = try await pki.startTLSServer("smtp-plain", for: leaf)
        let refused = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: plain.port, startTLS: .smtp))
        #expect(
            refused.failure
                == "127.0.0.1:\(plain.port): could not upgrade to TLS: the SMTP server does not offer STARTTLS (mail to it travels in clear text)"
        )
        #expect(refused.protocolProbes.isEmpty)

        let database = try await pki.startTLSServer("postgres", for: leaf)
        let fact = EndpointProbe.probe(Endpoint(host: "127.0.0.1", port: database.port, serverName: "portal.test", startTLS: .postgres))
        #expect(fact.failure == nil)
        #expect(fact.negotiatedProtocol == "TLSv1.3")
        guard case .rejected = fact.protocolProbes["TLSv1"] else {
            Issue.record("a modern PostgreSQL TLS side must refuse TLS 1.0")
            return
        }
    }

    @Test("the upgrade is chosen by port: SMTP on 25 and 587, PostgreSQL on 5432")
    func startTLSByPort() {
        #expect(Endpoint(parsing: "mail.hungyen.gov.vn:25")?.startTLS == .smtp)
        #expect(Endpoint(parsing: "mail.hungyen.gov.vn:587")?.startTLS == .smtp)
        #expect(Endpoint(parsing: "db.hungyen.gov.vn:5432")?.startTLS == .postgres)
        #expect(Endpoint(parsing: "mail.hungyen.gov.vn:465")?.startTLS == nil)
        #expect(Endpoint(parsing: "portal.hungyen.gov.vn:443")?.startTLS == nil)
    }
}
