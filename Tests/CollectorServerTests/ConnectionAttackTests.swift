import CanhModel
import Foundation
import NIOHTTP1
import TestSupport
import Testing

@testable import CollectorClient

/// The listener against clients that never finish (a byte a second, a TLS handshake left open),
/// that open every connection they can, or that send more than a request may hold; and the
/// clients' side of TLS: the collector's name checked as RFC 6125 says.
@Suite struct ConnectionAttackTests {
    let script = ProcessRunner.repositoryRoot + "/Tests/TestSupport/hostile_client.py"

    func hostile(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await ProcessRunner.run("/usr/bin/python3", [script] + arguments)
        guard let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] else {
            throw FixtureError(description: "hostile_client.py \(arguments): \(result.standardOutput) \(result.standardError)")
        }
        return object
    }

    @Test(
        "slow and idle clients are cut off at the header timeout, one address holds at most its share, and oversized requests get JSON errors"
    )
    func slowAndGreedyClients() async throws {
        let collector = try await CollectorProcess(
            settings: "header_timeout = \"2s\"\nrequest_timeout = \"4s\"\nidle_timeout = \"5s\"\nmax_connections_per_address = 12")
        let port = String(collector.port)
        // Before: 50 connections sending a byte a second stayed open for the 30 s the client tried.
        let slow = try await hostile(["slow", "127.0.0.1", port, collector.caFile, "10"])
        let closedAfter = try #require(slow["closed_after"] as? [Any])
        #expect(closedAfter.count == 10)
        #expect(
            closedAfter.allSatisfy { ($0 as? Double).map { $0 < 6 } ?? false }, "every slow connection closed within 6 s: \(closedAfter)")
        for mode in ["idle-tls", "idle-tcp"] {
            let idle = try await hostile([mode, "127.0.0.1", port] + (mode == "idle-tls" ? [collector.caFile] : []))
            let seconds = try #require(idle["closed_after"] as? Double, "\(mode): \(idle)")
            #expect(seconds >= 1.5 && seconds < 6, "\(mode) closed after \(seconds) s")
        }

        // A kept-alive connection after a complete request may wait for its next one longer.
        let keptAlive = try #require(try await hostile(["keepalive", "127.0.0.1", port, collector.caFile])["closed_after"] as? Double)
        #expect(keptAlive > 4 && keptAlive < 8, "kept alive for \(keptAlive) s")
        try await Task.sleep(for: .seconds(1))  // the idle connections above are counted out
        let held = try await hostile(["hold", "127.0.0.1", port, "16"])
        let closedAtOnce = try #require(held["closed_at_once"] as? [Bool])
        // Accepted on two event loops, so not in the order opened. A TLS connection the collector
        // closed a moment ago may still count while its close_notify is answered, hence "at most".
        #expect(closedAtOnce.count == 16)
        #expect((11...12).contains(closedAtOnce.filter { !$0 }.count), "at most 12 held, the rest closed at once: \(closedAtOnce)")
        try await Task.sleep(for: .seconds(3))  // the held ones time out and are counted out

        for (what, status, message) in [
            ("body", 413, "the body is larger than the 8388608 bytes the collector accepts"),
            ("url", 414, "the URL is longer than the 8192 bytes the API accepts"),
            ("header", 431, "header fields are larger than the collector accepts"),
            ("headers", 431, "header fields are larger than the collector accepts"),
        ] {
            let answer = try await hostile(["oversized", "127.0.0.1", port, collector.caFile, what])
            #expect(answer["status"] as? Int == status, "\(what): \(answer)")
            let body = try #require(answer["body"] as? String)
            let decoded = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: [String: String]]
            #expect(decoded?["error"]?["message"]?.contains(message) == true, "\(what): \(body)")
        }
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let unknown = try await admin.raw(.GET, "/api/v1/nowhere", body: nil)
        #expect(unknown.status == 404)
        #expect(unknown.body.contains("no such endpoint"), "\(unknown.body)")
        #expect(try await admin.raw(.GET, "/healthz", body: nil).status == 200, "still serving")
    }

    @Test("the CLI and the agent refuse https://localhost for a collector certificate that names only 127.0.0.1, as curl does")
    func serverNameIsCheckedExactly() async throws {
        // CollectorProcess initialises with --hostname 127.0.0.1 only.
        let collector = try await CollectorProcess()
        let byName = "https://localhost:\(collector.port)"
        let curl = try await ProcessRunner.run(
            "/usr/bin/curl", ["-s", "-o", "/dev/null", "--cacert", collector.caFile, byName + "/healthz"])
        #expect(curl.status != 0, "curl refuses the name too")

        let cli = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-collector"), ["system", "list"],
            environment: ["CANH_SERVER": byName, "CANH_TOKEN": collector.adminToken, "CANH_CA": collector.caFile])
        #expect(cli.status == 2)
        #expect(cli.standardError.contains("not valid for the name localhost (it names 127.0.0.1)"), "\(cli.standardError)")
        #expect(!cli.standardOutput.contains("hy-portal"))
        let byAddress = try await collector.command(["system", "list"])
        #expect(byAddress.status == 0 && byAddress.standardOutput.contains("hy-portal"))

        let state = try TemporaryDirectory(prefix: "canh-rfc6125")
        let tokenFile = try state.write(try await collector.enrollmentToken() + "\n", to: "token")
        let enroll = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"),
            ["enroll", "--collector", byName, "--ca", collector.caFile, "--token-file", tokenFile, "--state-dir", state.file("state")])
        #expect(enroll.status == 2)
        #expect(enroll.standardError.contains("not valid for the name localhost"), "\(enroll.standardError)")
        #expect(!FileManager.default.fileExists(atPath: state.file("state/agent.pem")))

        // A certificate for the name and not the address: the name works, the address does not.
        let named = try TemporaryDirectory(prefix: "canh-named-collector")
        #expect(
            try await ProcessRunner.run(
                ProcessRunner.builtProduct("canh-collector"), ["init", "--data-dir", named.path, "--hostname", "localhost"]
            ).status == 0)
        let server = try await BackgroundServer(
            ProcessRunner.builtProduct("canh-collector"), ["serve", "--data-dir", named.path, "--listen", "127.0.0.1:{port}"])
        let token = try String(contentsOfFile: named.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for (url, works) in [("https://localhost:\(server.port)", true), ("https://127.0.0.1:\(server.port)", false)] {
            let listed = try await ProcessRunner.run(
                ProcessRunner.builtProduct("canh-collector"), ["system", "list"],
                environment: ["CANH_SERVER": url, "CANH_TOKEN": token, "CANH_CA": named.file("ca.pem")])
            #expect((listed.status == 0) == works, "\(url): \(listed.standardError)")
            if !works { #expect(listed.standardError.contains("not valid for the address 127.0.0.1 (it names localhost)")) }
        }
    }

    @Test(
        "RFC 6125 matching: DNS-IDs only, case-insensitive, a trailing dot ignored, a wildcard for one whole left-most label",
        arguments: [
            ("collector.hungyen.gov.vn", ["collector.hungyen.gov.vn"], true),
            ("Collector.HungYen.gov.vn.", ["collector.hungyen.gov.vn"], true),
            ("collector.hungyen.gov.vn", ["*.hungyen.gov.vn"], true),
            ("a.collector.hungyen.gov.vn", ["*.hungyen.gov.vn"], false),
            ("hungyen.gov.vn", ["*.hungyen.gov.vn"], false),
            ("gov.vn", ["*.vn"], false),
            ("collector.hungyen.gov.vn", ["c*.hungyen.gov.vn"], false),
            ("collector.hungyen.gov.vn", ["collector.hungyen.gov.vn.evil.example"], false),
            ("localhost", ["127.0.0.1"], false),
            ("localhost", [], false),
        ])
    func nameMatching(reference: String, presented: [String], matches: Bool) {
        #expect(ServerIdentity.matches(reference: reference, dnsNames: presented) == matches)
    }
}
