import ArgumentParser
import CanhModel
import CollectorPKI
import CollectorServer
import CollectorStore
import CommandSupport
import Foundation
import Logging
import PostgresStore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the store, the collector's CA and server certificate, and the first admin API token.",
        discussion: """
            The admin token is printed once, alone on the last line, and kept in DATA_DIR/admin.token (mode 0600). \
            Agents and command-line clients pin DATA_DIR/ca.pem.
            """)

    @Option(help: ArgumentHelp("Where the collector keeps its store and keys.", valueName: "DIR"))
    var dataDir = "/var/lib/canh-collector"

    @Option(
        help: ArgumentHelp(
            "The store: empty for SQLite in the data directory, or postgres://USER@HOST[:PORT]/DATABASE[?sslmode=verify-full] "
                + "(password in CANH_DATABASE_PASSWORD or the config's database_password_file); default from --config.",
            valueName: "URL"))
    var database: String?

    @Option(help: ArgumentHelp("The configuration file, for its database settings; read when it exists.", valueName: "FILE"))
    var config: String?

    @Option(
        name: .customLong("hostname"),
        help: ArgumentHelp("A name or address agents use to reach the collector (repeatable).", valueName: "NAME"))
    var hostnames: [String] = ["localhost", "127.0.0.1"]

    func run() async throws {
        let storeSettings = StoreSettings(dataDirectory: dataDir, database: database, settings: try CollectorConfiguration.load(config))
        let logger = Logger(label: "canh-collector")
        var store: (any CollectorStore)?
        var storeName = "canh.sqlite"
        if let location = try storeSettings.postgres() {
            _ = try await storeSettings.migrate(logger: logger)
            store = try await storeSettings.open(logger: logger)
            storeName = location.description
        }
        let token = try await DataDirectory.initialise(dataDir, hostnames: hostnames, store: store)
        Console.output(
            "Initialised \(dataDir): store \(storeName), CA ca.pem (pin this on agents and clients), server certificate for \(hostnames.joined(separator: ", "))."
        )
        Console.output("Admin API token (also in \(dataDir)/admin.token):")
        Console.output(token)
    }
}
