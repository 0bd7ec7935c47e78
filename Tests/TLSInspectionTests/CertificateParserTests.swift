import CanhModel
import Foundation
import TLSInspection
import TestSupport
import Testing

@Suite struct CertificateParserTests {
    private let openssl = "/usr/bin/openssl"

    /// A self-signed certificate made by the openssl command line tool.
    private func makeCertificate(
        in directory: TemporaryDirectory, name: String, key: [String], subject: String, days: Int = 30,
        extensions: [String] = [], digest: String = "-sha256", serial: String? = nil
    ) async throws -> (pem: String, der: String) {
        let pem = directory.file("\(name).pem")
        let der = directory.file("\(name).der")
        let request = try await ProcessRunner.run(
            openssl,
            ["req", "-utf8", "-x509", "-newkey"] + key + [
                "-nodes", "-keyout", directory.file("\(name).key"), "-out", pem, "-days", String(days), "-subj", subject, digest,
            ]
                + extensions.flatMap { ["-addext", $0] } + (serial.map { ["-set_serial", $0] } ?? []))
        try #require(request.status == 0, "\(request.standardError)")
        let convert = try await ProcessRunner.run(openssl, ["x509", "-in", pem, "-outform", "DER", "-out", der])
        try #require(convert.status == 0, "\(convert.standardError)")
        return (pem, der)
    }

    private func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("a PEM certificate's facts match what openssl reports")
    func pemFacts() async throws {
        let directory = try TemporaryDirectory()
        let certificate = try await makeCertificate(
            in: directory, name: "portal", key: ["rsa:2048"], subject: "/C=VN/O=UBND tỉnh Hưng Yên/CN=portal.hungyen.gov.vn",
            extensions: ["subjectAltName=DNS:portal.hungyen.gov.vn,DNS:dvc.hungyen.gov.vn,IP:192.0.2.10,IP:2001:db8::10"],
            serial: "0x0a1b2c3d4e5f6071")
        let facts = try CertificateParser.certificates(in: bytes(certificate.pem), source: certificate.pem)
        let fact = try #require(facts.first)
        #expect(facts.count == 1)
        #expect(fact.keyType == .rsa)
        #expect(fact.keyBits == 2048)
        #expect(fact.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(fact.subject == "CN=portal.hungyen.gov.vn,O=UBND tỉnh Hưng Yên,C=VN")
        #expect(fact.isSelfIssued)
        #expect(fact.dnsNames == ["portal.hungyen.gov.vn", "dvc.hungyen.gov.vn"])
        #expect(fact.ipAddresses == ["192.0.2.10", "2001:db8::10"])
        #expect(fact.notAfter.since(fact.notBefore) == .days(30))

        let reported = try await ProcessRunner.run(
            openssl, ["x509", "-in", certificate.pem, "-noout", "-fingerprint", "-sha256", "-serial"])
        let lines = reported.outputLines
        let fingerprint = try #require(lines.first?.split(separator: "=").last).replacingOccurrences(of: ":", with: "").lowercased()
        #expect(fact.fingerprint == fingerprint)
        // Both print the serial as whole bytes, so a leading 0 nibble is kept on both sides.
        #expect(fact.serial == (try #require(lines.last?.split(separator: "=").last)).lowercased())
        #expect(fact.serial == "0a1b2c3d4e5f6071")
    }

    @Test("DER and PEM forms of one certificate have the same fingerprint; bundles give every certificate")
    func derAndBundles() async throws {
        let directory = try TemporaryDirectory()
        let rsa = try await makeCertificate(in: directory, name: "rsa", key: ["rsa:2048"], subject: "/CN=a.example")
        let ec = try await makeCertificate(
            in: directory, name: "ec", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"], subject: "/CN=b.example")
        let fromDER = try CertificateParser.certificates(in: bytes(rsa.der), source: rsa.der)
        let fromPEM = try CertificateParser.certificates(in: bytes(rsa.pem), source: rsa.pem)
        #expect(fromDER.map(\.fingerprint) == fromPEM.map(\.fingerprint))

        let bundle = try directory.write(try bytes(rsa.pem) + bytes(ec.pem), to: "bundle.pem")
        let facts = try CertificateParser.certificates(in: bytes(bundle), source: bundle)
        #expect(facts.map(\.subject) == ["CN=a.example", "CN=b.example"])
        #expect(facts[1].keyType == .ec)
        #expect(facts[1].keyBits == 256)
        #expect(facts[1].signatureAlgorithm == "ecdsa-with-SHA256")
    }

    @Test("garbage and damaged certificates are errors naming the source, not crashes")
    func badInput() async throws {
        let directory = try TemporaryDirectory()
        let good = try await makeCertificate(in: directory, name: "good", key: ["rsa:2048"], subject: "/CN=c.example")
        #expect(throws: TLSInspectionError.noCertificate(source: "notes.txt")) {
            try CertificateParser.certificates(in: Array("just some text".utf8), source: "notes.txt")
        }
        #expect(throws: TLSInspectionError.noCertificate(source: "empty.der")) {
            try CertificateParser.certificates(in: [], source: "empty.der")
        }
        var damaged = try bytes(good.der)
        damaged.removeLast(40)
        #expect {
            try CertificateParser.certificates(in: damaged, source: "cut.der")
        } throws: { error in
            guard case .malformedCertificate(let source, _) = error as? TLSInspectionError else { return false }
            return source == "cut.der"
        }
        let pemText = String(decoding: try bytes(good.pem), as: UTF8.self)
        let corrupted = pemText.replacingOccurrences(
            of: "\n", with: "\n!!", options: [],
            range: pemText.index(pemText.startIndex, offsetBy: 100)..<pemText.index(pemText.startIndex, offsetBy: 200))
        #expect {
            try CertificateParser.certificates(in: Array(corrupted.utf8), source: "bad.pem")
        } throws: { error in
            (error as? TLSInspectionError).map { "\($0)".hasPrefix("bad.pem: malformed certificate") } ?? false
        }
    }
}
