import Agent
import CanhModel
import Foundation
import Rules
import TestSupport
import Testing

/// The certificate half of `scan` on real material: a test CA with a leaf for each defect, a CRL
/// and an OCSP responder on 127.0.0.1, and `openssl s_server` endpoints. Judged at a fixed time.
@Suite(.serialized) struct CertificateScanTests {
    let pki: TestPKI
    let pack: RulePack
    let now = Timestamp.at("2026-11-22T00:00:00Z")

    init() async throws {
        pki = try await TestPKI()
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        try #require(loaded.problems.isEmpty)
        pack = loaded.pack
    }

    private func fingerprint(_ path: String) async throws -> String {
        let result = try await ProcessRunner.run("/usr/bin/openssl", ["x509", "-in", path, "-noout", "-fingerprint", "-sha256"])
        let text = try #require(result.outputLines.first?.split(separator: "=").last)
        return text.replacingOccurrences(of: ":", with: "").lowercased()
    }

    private func scan(_ settings: CertificateScanSettings) throws -> [FindingRecord] {
        try CertificateScan(settings: settings, checkTime: now).run(pack: pack, level: try #require(Level(rawValue: 3)), host: "web01")
    }

    /// (rule, entity, outcome) of the records that are not passes, sorted.
    private func problems(_ records: [FindingRecord]) -> [String] {
        records.filter { $0.outcome != .pass }.map { "\($0.rule) \($0.entity) \($0.outcome.rawValue)" }.sorted()
    }

    @Test("a directory of certificates and keys: each defect found once, by fingerprint, with every place")
    func files() async throws {
        let directory = try TemporaryDirectory()
        let certs = directory.file("certs")
        try FileManager.default.createDirectory(atPath: certs + "/nested", withIntermediateDirectories: true)
        func install(_ leaf: TestPKI.Leaf, as name: String) async throws -> String {
            try FileManager.default.copyItem(atPath: leaf.certificate, toPath: certs + "/" + name)
            return try await fingerprint(leaf.certificate)
        }
        let good = try await pki.issue("good.test")
        let goodPrint = try await install(good, as: "good.crt")
        // The same certificate again: in a full chain and as DER in a subdirectory.
        let chain =
            try String(contentsOfFile: good.certificate, encoding: .utf8) + String(contentsOfFile: pki.caCertificate, encoding: .utf8)
        _ = try directory.write(chain, to: "certs/fullchain.pem")
        let converted = try await ProcessRunner.run(
            "/usr/bin/openssl", ["x509", "-in", good.certificate, "-outform", "DER", "-out", certs + "/nested/good.der"])
        try #require(converted.status == 0)
        // And once more as DER under a name without an extension.
        try FileManager.default.copyItem(atPath: certs + "/nested/good.der", toPath: certs + "/nested/portal-cert")

        let expired = try await install(
            pki.issue("expired.test", notBefore: "20250101000000Z", notAfter: "20251001000000Z"), as: "expired.pem")
        let future = try await install(
            pki.issue("future.test", notBefore: "20270101000000Z", notAfter: "20280101000000Z"), as: "future.pem")
        let expiring = try await install(pki.issue("expiring.test", notAfter: "20261215000000Z"), as: "expiring.pem")
        let weakKey = try await install(pki.issue("weak.test", key: .rsa(bits: 1024)), as: "weak.pem")
        let sha1 = try await install(pki.issue("sha1.test", digest: "sha1"), as: "sha1.pem")
        let selfSigned = try await install(pki.selfSigned("self.test"), as: "self.pem")
        let revokedLeaf = try await pki.issue("revoked.test")
        let revoked = try await install(revokedLeaf, as: "revoked.pem")
        try await pki.revoke(revokedLeaf)
        try await pki.publishCRL()
        let server = try await pki.startRevocationServer()

        try FileManager.default.copyItem(atPath: good.key, toPath: certs + "/good.key")
        try FileManager.default.copyItem(atPath: good.key, toPath: certs + "/leaked.key")
        chmod(certs + "/good.key", 0o600)
        chmod(certs + "/leaked.key", 0o644)
        _ = try directory.write(
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", to: "certs/broken.pem")
        _ = try directory.write("Certificates live here.\n", to: "certs/README")
        // Links that lead nowhere were skipped in silence: a loop, and a certificate that is gone.
        #expect(symlink(certs + "/loop-b", certs + "/loop-a") == 0 && symlink(certs + "/loop-a", certs + "/loop-b") == 0)
        #expect(symlink(certs + "/renewed.pem", certs + "/current.pem") == 0)
        // A key file whose name holds an escape sequence: its entity is escaped, not refused later.
        try FileManager.default.copyItem(atPath: good.key, toPath: certs + "/odd\u{1b}[2J.key")
        chmod(certs + "/odd\u{1b}[2J.key", 0o644)
        let missing = directory.file("absent.pem")
        let caPrint = try await fingerprint(pki.caCertificate)

        let records = try scan(
            CertificateScanSettings(
                certificatePaths: [certs, missing], trustAnchors: [pki.caCertificate], timeout: 5, includeSystemTrustStore: false))
        #expect(
            problems(records)
                == [
                    "tls.cert.expired \(expired) fail",
                    "tls.cert.expiring \(expiring) fail",
                    "tls.cert.not_yet_valid \(future) fail",
                    "tls.cert.revoked \(revoked) fail",
                    "tls.cert.self_signed \(selfSigned) fail",
                    "tls.cert.unreadable \(certs)/broken.pem error",
                    "tls.cert.unreadable \(certs)/current.pem error",
                    "tls.cert.unreadable \(certs)/loop-a error",
                    "tls.cert.unreadable \(certs)/loop-b error",
                    "tls.cert.unreadable \(missing) error",
                    "tls.cert.untrusted_chain \(selfSigned) fail",
                    "tls.cert.weak_key \(weakKey) fail",
                    "tls.cert.weak_signature \(sha1) fail",
                    "tls.key.exposed \(certs)/leaked.key fail",
                    #"tls.key.exposed \#(certs)/odd\x1b[2J.key fail"#,
                ].sorted())

        #expect(records.first { $0.entity == certs + "/loop-a" }?.evidence.text("error")?.contains("a loop of symbolic links") == true)
        #expect(
            records.first { $0.entity == certs + "/current.pem" }?.evidence.text("error")?.contains("a symbolic link to nothing") == true)

        let goodRecords = records.filter { $0.entity == goodPrint }
        #expect(Set(goodRecords.map(\.outcome)) == [.pass])
        #expect(
            goodRecords.first?.evidence["places"]
                == .list([certs + "/fullchain.pem", certs + "/good.crt", certs + "/nested/good.der", certs + "/nested/portal-cert"]))
        #expect(records.first { $0.rule == "tls.cert.revoked" && $0.entity == goodPrint }?.evidence.text("source") == pki.ocspURL)
        #expect(records.contains { $0.rule == "tls.cert.untrusted_chain" && $0.entity == caPrint && $0.outcome == .pass })
        #expect(records.contains { $0.rule == "tls.key.exposed" && $0.entity == certs + "/good.key" && $0.outcome == .pass })
        #expect(goodPrint.count == 64 && goodPrint.allSatisfy { "0123456789abcdef".contains($0) })
        _ = server
    }

    @Test("endpoints: wrong name, expired, revoked and legacy servers, and a silent port, each judged per host:port")
    func endpoints() async throws {
        let portal = try await pki.issue("portal.test", ips: ["127.0.0.1"])
        let modern = try await pki.server(for: portal, extra: ["-cipher", "ECDHE+AESGCM"])
        let expiredLeaf = try await pki.issue("old.test", notBefore: "20240101000000Z", notAfter: "20250101000000Z")
        let expiredServer = try await pki.server(for: expiredLeaf, extra: ["-cipher", "ECDHE+AESGCM"])
        let legacy = try await pki.server(for: portal, extra: ["-tls1", "-cipher", "ALL:@SECLEVEL=0"])
        let revokedLeaf = try await pki.issue("revoked.test")
        try await pki.revoke(revokedLeaf)
        let revokedServer = try await pki.server(for: revokedLeaf, extra: ["-cipher", "ECDHE+AESGCM"])
        let silent = try SilentListener()
        let server = try await pki.startRevocationServer()
        let endpoints = [
            Endpoint(host: "127.0.0.1", port: modern.port, serverName: "portal.test"),
            Endpoint(host: "127.0.0.1", port: modern.port, serverName: "intranet.test"),
            Endpoint(host: "127.0.0.1", port: expiredServer.port, serverName: "old.test"),
            Endpoint(host: "127.0.0.1", port: legacy.port, serverName: "portal.test"),
            Endpoint(host: "127.0.0.1", port: revokedServer.port, serverName: "revoked.test"),
            Endpoint(host: "127.0.0.1", port: silent.port),
        ]
        let records = try scan(
            CertificateScanSettings(endpoints: endpoints, trustAnchors: [pki.caCertificate], timeout: 2, includeSystemTrustStore: false))
        let portalPrint = try await fingerprint(portal.certificate)
        let oldPrint = try await fingerprint(expiredLeaf.certificate)
        let revokedPrint = try await fingerprint(revokedLeaf.certificate)
        #expect(
            problems(records)
                == [
                    "tls.cert.expired \(oldPrint) fail",
                    "tls.cert.hostname_mismatch \(portalPrint) fail",
                    "tls.cert.revoked \(revokedPrint) fail",
                    "tls.endpoint.legacy_protocol 127.0.0.1:\(legacy.port) fail",
                    "tls.endpoint.legacy_protocol 127.0.0.1:\(silent.port) error",
                    "tls.endpoint.weak_cipher 127.0.0.1:\(legacy.port) fail",
                    "tls.endpoint.weak_cipher 127.0.0.1:\(silent.port) error",
                ].sorted())
        let mismatch = try #require(records.first { $0.rule == "tls.cert.hostname_mismatch" })
        let revoked = try #require(records.first { $0.rule == "tls.cert.revoked" && $0.entity == revokedPrint })
        #expect(revoked.evidence.text("source") == pki.ocspURL)
        #expect(revoked.evidence["places"] == .list(["127.0.0.1:\(revokedServer.port)@revoked.test"]))
        #expect(mismatch.evidence["mismatched_names"] == .list(["intranet.test at 127.0.0.1:\(modern.port)"]))
        #expect(
            mismatch.evidence["places"]
                == .list([
                    "127.0.0.1:\(modern.port)@portal.test", "127.0.0.1:\(modern.port)@intranet.test",
                    "127.0.0.1:\(legacy.port)@portal.test",
                ]))
        #expect(
            records.contains { $0.rule == "tls.endpoint.legacy_protocol" && $0.entity == "127.0.0.1:\(modern.port)" && $0.outcome == .pass }
        )
        _ = server
    }
}
