import CollectorStore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The store's pool of connections, with transactions that keep the store's errors as they are
/// and are tried again when PostgreSQL chose them as a deadlock's or a serialisation's victim.
final class PostgresConnectionPool: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// The connection settings of `location`, and its TLS context.
    let location: PostgresLocation
    private let tlsConfiguration: TLSConfiguration?

    init(_ location: PostgresLocation, maximumConnections: Int, logger: Logger) throws(StoreError) {
        self.location = location
        var tlsConfiguration: TLSConfiguration?
        do {
            switch location.tls {
            case .disable: break
            case .prefer, .require:
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                tlsConfiguration = tls
            case .verifyFull:
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .fullVerification
                if let root = location.rootCertificate {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root))
                }
                tlsConfiguration = tls
            }
        } catch {
            throw .database("\(location): the CA file \(location.rootCertificate ?? "") cannot be read: \(error)")
        }
        self.tlsConfiguration = tlsConfiguration
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        switch (location.tls, tlsConfiguration) {
        case (.prefer, let tls?): configuration.tls = .prefer(tls)
        case (_, let tls?): configuration.tls = .require(tls)
        case (_, nil): configuration.tls = .disable
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Connects once, outside the pool, and says why it cannot: the pool itself retries a
    /// connection that fails (a wrong password, a certificate that does not verify) for a minute
    /// before giving up with no reason.
    func probe() async throws(StoreError) {
        do {
            var configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.username, password: location.password,
                database: location.database, tls: .disable)
            if let tlsConfiguration {
                let context = try NIOSSLContext(configuration: tlsConfiguration)
                configuration.tls = location.tls == .prefer ? .prefer(context) : .require(context)
            }
            configuration.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw .database("\(location): cannot connect: \(Self.storeError(error).message)")
        }
    }

    deinit { running.cancel() }

    /// Checks that the database can be reached (`probe`), which also gives the pool's task the
    /// moment it needs to start: postgres-nio warns about a connection asked for before it runs.
    func started() async throws(StoreError) {
        try await probe()
    }

    /// Stops the pool: connections close, requests waiting fail.
    func close() { running.cancel() }

    /// One statement or several, outside a transaction.
    @discardableResult
    func read<Value>(_ body: (PostgresConnection) async throws -> sending Value) async throws(StoreError) -> sending Value {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// One transaction (READ COMMITTED, rows locked as the statements say), committed when `body`
    /// returns; tried up to three times when PostgreSQL ends it to break a deadlock or a
    /// serialisation conflict.
    @discardableResult
    func write<Value>(_ body: (PostgresConnection) async throws -> sending Value) async throws(StoreError) -> sending Value {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                if attempt < 3, Self.isRetryable(error) {
                    attempt += 1
                    logger.debug("transaction retried", metadata: ["error": "\(String(reflecting: error))"])
                    continue
                }
                throw Self.storeError(error)
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// The SQLSTATE of a server's error (23505: a unique constraint), nil for other errors.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return .database("PostgreSQL: \(message)\(detail) [\(error.serverInfo?[.sqlState] ?? "")]")
            }
            return .database("PostgreSQL: \(error.code)\(error.underlying.map { ": \($0)" } ?? "")")
        }
        return .database("\(error)")
    }
}
