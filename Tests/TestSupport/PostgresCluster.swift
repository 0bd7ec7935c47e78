import Foundation

/// A PostgreSQL cluster of the test process's own: `initdb` into a temporary directory, started
/// with `pg_ctl` on 127.0.0.1 and a free port, as the `postgres` user when the tests run as root
/// (the server refuses to run as root). A small shell holds it: when the test process ends, for
/// whatever reason, the shell's standard input closes and it stops the cluster and removes the
/// directory. One cluster per process; each test takes a database of its own.
public final class PostgresCluster: Sendable {
    public let port: Int
    public let user = "canh"
    public let password: String
    /// The server's certificate, which is its own CA: what a client pins as `sslrootcert`.
    public let certificate: String
    private let process: Process
    private let stdin: Pipe

    /// The process's cluster, started on first use; the tests that ask meanwhile await the same
    /// start without holding a thread.
    public static func shared() async throws -> PostgresCluster {
        try await startup.value
    }

    private static let startup = Task { try await offThePool { try PostgresCluster() } }

    /// The directory of Debian's PostgreSQL programs (initdb, pg_ctl), the newest version.
    public static var binaries: String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { "\(root)/\($0)/bin" }.flatMap { bin in
            FileManager.default.isExecutableFile(atPath: bin + "/initdb") ? bin : nil
        }
    }

    private init() throws {
        guard let bin = Self.binaries else {
            throw FixtureError(description: "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); run scripts/setup")
        }
        port = try FreePort.next()
        password = UUID().uuidString
        let directory = "/tmp/canh-postgres-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(password.utf8).write(to: URL(fileURLWithPath: directory + "/password"))
        // TLS too, with a certificate of its own for localhost and 127.0.0.1 (its own CA: tests
        // pin it as sslrootcert); clients may still connect without TLS.
        let certified = try ProcessRunner.runWaiting(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", directory + "/server.key", "-out",
                directory + "/server.crt",
            ])
        guard certified.status == 0 else { throw FixtureError(description: "openssl req: \(certified.standardError)") }
        chmod(directory + "/server.key", 0o600)
        certificate = directory + "/ca.pem"
        try FileManager.default.copyItem(atPath: directory + "/server.crt", toPath: certificate)
        let asRoot = getuid() == 0
        if asRoot {
            let owned = try ProcessRunner.runWaiting("/bin/chown", ["-R", "postgres:postgres", directory])
            guard owned.status == 0 else { throw FixtureError(description: "chown \(directory): \(owned.standardError)") }
        }
        // Durability is not what these tests are about: no fsync.
        let options =
            "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=200 -c ssl=on "
            + "-c ssl_cert_file=\(directory)/server.crt -c ssl_key_file=\(directory)/server.key"
        let script = """
            set -e
            \(bin)/initdb -D \(directory)/data -U canh --pwfile=\(directory)/password --auth-local=trust --auth-host=scram-sha-256 \
                -E UTF8 --locale=C.UTF-8 -N > \(directory)/initdb.log
            \(bin)/pg_ctl -D \(directory)/data -o "\(options)" -l \(directory)/server.log -w start > /dev/null
            echo started
            read _ || true
            \(bin)/pg_ctl -D \(directory)/data -m immediate -w stop > /dev/null 2>&1 || true
            rm -rf \(directory)
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: asRoot ? "/usr/sbin/runuser" : "/bin/sh")
        process.arguments = asRoot ? ["-u", "postgres", "--", "/bin/sh", "-c", script] : ["-c", script]
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        let first = stdout.fileHandleForReading.availableData
        guard String(decoding: first, as: UTF8.self).contains("started") else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw FixtureError(description: "PostgreSQL did not start on port \(port):\n\(log)")
        }
    }

    /// A new, empty database; its address for the store.
    public func database() async throws -> String {
        let name = "canh_\(UUID().uuidString.prefix(8).lowercased())"
        try await psql("CREATE DATABASE \(name)")
        return "postgres://\(user)@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Runs SQL in the `postgres` database as the cluster's owner.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let result = try await ProcessRunner.run(
            "/usr/bin/psql",
            ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", sql],
            environment: ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { $1 })
        guard result.status == 0 else { throw FixtureError(description: "psql \(sql): \(result.standardError)") }
        return result.standardOutput
    }
}
