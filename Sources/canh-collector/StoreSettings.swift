import AlertDelivery
import Alerts
import ArgumentParser
import CanhModel
import CollectorServer
import CollectorStore
import Foundation
import Logging
import PostgresStore

/// Which store the collector uses: SQLite in the data directory (the default), or the
/// PostgreSQL database that `database = "postgres://…"` names, shared by every collector on it.
struct StoreSettings {
    var dataDirectory: String
    var database: String?
    var passwordFile: String?
    var connections: Int
    var claimTimeout: TimeSpan

    init(dataDirectory: String, database: String?, settings: CollectorConfiguration) {
        self.dataDirectory = dataDirectory
        self.database = database ?? settings.database
        passwordFile = settings.databasePasswordFile
        connections = settings.databaseConnections ?? 10
        claimTimeout = settings.alertDelivery.claimTimeout
    }

    /// The PostgreSQL database, or nil for SQLite; the password from `database_password_file`, else
    /// from CANH_DATABASE_PASSWORD, else none (a server that trusts this client).
    func postgres() throws -> PostgresLocation? {
        guard let database, !database.isEmpty else { return nil }
        var password = ProcessInfo.processInfo.environment["CANH_DATABASE_PASSWORD"]
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw ValidationError("database_password_file \(passwordFile) cannot be read")
            }
            if let problem = PrivateFiles.problem(with: passwordFile) { throw ValidationError("database_password_file: \(problem)") }
            password = text.trimmingCharacters(in: .newlines)
        }
        do {
            return try PostgresLocation(url: database, password: password)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Refuses early, before anything else is loaded, a SQLite store that `init` has not made or
    /// a PostgreSQL address or password file that cannot be used.
    func requireStore() throws {
        guard try postgres() == nil else { return }
        guard FileManager.default.fileExists(atPath: CollectorServer.Files(dataDirectory: dataDirectory).database) else {
            throw ValidationError("\(dataDirectory) holds no store; run `canh-collector init --data-dir \(dataDirectory)` first.")
        }
    }

    /// Opens the store, which must exist (made by `init`, brought up to date by `migrate`).
    func open(alertRouting: AlertRouting = AlertRouting(rules: []), ruleTitles: [String: LocalizedText] = [:], logger: Logger)
        async throws -> any CollectorStore
    {
        try requireStore()
        if let location = try postgres() {
            return try await PostgresCollectorStore(
                location: location, alertRouting: alertRouting, ruleTitles: ruleTitles, maximumConnections: connections,
                claimTime: claimTimeout, logger: logger)
        }
        return try SQLiteCollectorStore(
            path: CollectorServer.Files(dataDirectory: dataDirectory).database, alertRouting: alertRouting, ruleTitles: ruleTitles)
    }

    /// Brings the store to the newest schema; returns what was done, in words.
    func migrate(logger: Logger) async throws -> String {
        if let location = try postgres() {
            let applied = try await PostgresCollectorStore.migrate(location, logger: logger)
            return applied.isEmpty
                ? "\(location) is up to date" : "\(location): applied migration(s) \(applied.map(String.init).joined(separator: ", "))"
        }
        try requireStore()
        let path = CollectorServer.Files(dataDirectory: dataDirectory).database
        _ = try SQLiteCollectorStore(path: path)
        return "\(path) is up to date"
    }
}
