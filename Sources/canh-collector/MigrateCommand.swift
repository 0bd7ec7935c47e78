import ArgumentParser
import CommandSupport
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Bring the store to the schema this collector needs (after an upgrade).",
        discussion: """
            With PostgreSQL, run it once per upgrade, from one collector, before restarting them: the others wait for it, \
            and a collector refuses to serve a database whose schema is older than its own. SQLite stores are brought \
            up to date when serve opens them; migrate does the same without serving.
            """)

    @Option(help: ArgumentHelp("The configuration file (its [collector] database settings).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Where the SQLite store is (default /var/lib/canh-collector).", valueName: "DIR"))
    var dataDir: String?

    @Option(help: ArgumentHelp("The store's address, overriding the configuration file.", valueName: "URL"))
    var database: String?

    func run() async throws {
        let settings = try CollectorConfiguration.load(config)
        let store = StoreSettings(
            dataDirectory: dataDir ?? settings.dataDirectory ?? "/var/lib/canh-collector", database: database, settings: settings)
        Console.output(try await store.migrate(logger: Logger(label: "canh-collector")))
    }
}
