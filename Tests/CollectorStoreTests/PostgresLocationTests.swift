import CanhModel
import CollectorStore
import Foundation
import PostgresStore
import TestSupport
import Testing

/// Where a PostgreSQL store is, and TLS to it: a mistaken address is refused naming what is wrong,
/// and a server whose certificate the collector cannot verify is refused under verify-full.
@Suite struct PostgresLocationTests {
    @Test(
        "addresses: a password, an unknown sslmode or parameter, no user or database, sslrootcert without verify-full are refused",
        arguments: [
            ("postgres://canh:s3cret@db/canh", "the address holds a password"),
            ("postgres://canh@db/canh?sslmode=maybe", "sslmode=maybe is not one of disable, prefer, require, verify-full"),
            ("postgres://canh@db/canh?timeout=3", "unknown parameter timeout (known: sslmode, sslrootcert)"),
            ("postgres://db/canh", "the user name is missing"),
            ("postgres://canh@db/", "the database name is missing"),
            ("postgres://canh@db/canh?sslrootcert=/ca.pem", "sslrootcert is only used with sslmode=verify-full"),
            ("mysql://canh@db/canh", "expected postgres://USER@HOST"),
        ])
    func refusedAddresses(_ address: String, _ reason: String) {
        #expect(throws: StoreError.self) { try PostgresLocation(url: address, password: nil) }
        do {
            _ = try PostgresLocation(url: address, password: nil)
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(!error.message.contains("s3cret"), "the password is never repeated")
        }
    }

    @Test("an address is read whole; the password stays out of its description")
    func readAddress() throws {
        let location = try PostgresLocation(
            url: "postgresql://canh%2Dops@db.internal:6432/canh?sslmode=verify-full&sslrootcert=/etc/canh/db-ca.pem", password: "pw")
        #expect(location.host == "db.internal" && location.port == 6432 && location.database == "canh")
        #expect(location.username == "canh-ops" && location.tls == .verifyFull && location.rootCertificate == "/etc/canh/db-ca.pem")
        #expect(!location.description.contains("pw"))
    }

    @Test("TLS to the database: verify-full with the server's CA connects, with another CA it is refused; require and disable connect")
    func tls() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.database()
        let base = database.replacingOccurrences(of: "?sslmode=disable", with: "")
        // The first connection applies every migration; the others find the schema current.
        var applied: [Int] = []
        for mode in ["sslmode=disable", "sslmode=require", "sslmode=verify-full&sslrootcert=\(cluster.certificate)"] {
            let location = try PostgresLocation(url: base + "?" + mode, password: cluster.password)
            applied += try await PostgresCollectorStore.migrate(location)
        }
        #expect(!applied.isEmpty && Set(applied).count == applied.count, "each migration applied once: \(applied)")
        let other = try TemporaryDirectory()
        let made = try await ProcessRunner.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", other.file("other.key"), "-out", other.file("other.pem"),
            ])
        try #require(made.status == 0)
        let untrusted = try PostgresLocation(
            url: base + "?sslmode=verify-full&sslrootcert=\(other.file("other.pem"))", password: cluster.password)
        await #expect(throws: StoreError.self) { _ = try await PostgresCollectorStore.migrate(untrusted) }
        let wrongPassword = try PostgresLocation(url: database, password: "wrong")
        do {
            _ = try await PostgresCollectorStore.migrate(wrongPassword)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.message.contains("password authentication failed"), "\(error.message)")
        }
    }
}
