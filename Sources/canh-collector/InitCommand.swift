import ArgumentParser
import CanhModel
import CollectorPKI
import CollectorServer
import CollectorStore
import CommandSupport
import Foundation

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

    @Option(help: ArgumentHelp("The store; empty for SQLite in the data directory (PostgreSQL comes later).", valueName: "URL"))
    var database = ""

    @Option(
        name: .customLong("hostname"),
        help: ArgumentHelp("A name or address agents use to reach the collector (repeatable).", valueName: "NAME"))
    var hostnames: [String] = ["localhost", "127.0.0.1"]

    func run() async throws {
        guard database.isEmpty || database.hasPrefix("sqlite:") else {
            throw ValidationError("--database \(database): only SQLite is available yet (leave it empty).")
        }
        let token = try await DataDirectory.initialise(dataDir, hostnames: hostnames)
        Console.output(
            "Initialised \(dataDir): store canh.sqlite, CA ca.pem (pin this on agents and clients), server certificate for \(hostnames.joined(separator: ", "))."
        )
        Console.output("Admin API token (also in \(dataDir)/admin.token):")
        Console.output(token)
    }
}
