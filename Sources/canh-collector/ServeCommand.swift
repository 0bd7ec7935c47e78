import ArgumentParser
import CollectorServer
import CollectorStore
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTPS service (TLS 1.2+): the API, agent enrollment and ingest.")

    @Option(help: ArgumentHelp("Where `init` put the store and keys.", valueName: "DIR"))
    var dataDir = "/var/lib/canh-collector"

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8443"

    func run() async throws {
        guard let separator = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: separator)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen \(listen): expected HOST:PORT, e.g. 127.0.0.1:8443") }
        let host = String(listen[..<separator]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let database = CollectorServer.Files(dataDirectory: dataDir).database
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("\(dataDir) holds no store; run `canh-collector init --data-dir \(dataDir)` first.")
        }
        var logger = Logger(label: "canh-collector")
        logger.logLevel = .info
        let store = try SQLiteCollectorStore(path: database)
        let app = try CollectorServer.application(
            store: store, files: CollectorServer.Files(dataDirectory: dataDir), host: host, port: port, logger: logger,
            onServerRunning: { boundPort in
                // One line on standard output that scripts and tests wait for.
                FileHandle.standardOutput.write(Data("listening on https://\(host):\(boundPort)\n".utf8))
            })
        try await app.runService()
    }
}
