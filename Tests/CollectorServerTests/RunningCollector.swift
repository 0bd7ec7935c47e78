import Alerts
import CanhModel
import CollectorClient
import CollectorServer
import CollectorStore
import Foundation
import Hummingbird
import Logging
import Rules
import TestSupport

/// A collector serving real HTTPS on 127.0.0.1 (any free port) from a data directory made by
/// `DataDirectory.initialise`, as `canh-collector init` makes it. The clock can be moved.
final class RunningCollector: Sendable {
    let directory: TemporaryDirectory
    let files: CollectorServer.Files
    let url: String
    let adminToken: String
    let store: SQLiteCollectorStore
    let clock: TestClock
    private let server: Task<Void, any Error>

    /// The repository's rule pack, which reports judge compliance on.
    static func rulePack() throws -> RulePack {
        let loaded = RulePack.load(directory: ProcessRunner.repositoryRoot + "/rules")
        guard loaded.problems.isEmpty else { throw RulePackProblems(problems: loaded.problems.map(\.description)) }
        return loaded.pack
    }

    struct RulePackProblems: Error { var problems: [String] }

    init(maximumBatch: Int? = nil, alertRouting: AlertRouting = AlertRouting(rules: [])) async throws {
        directory = try TemporaryDirectory(prefix: "canh-collector")
        adminToken = try await DataDirectory.initialise(directory.path, hostnames: ["localhost", "127.0.0.1"])
        files = CollectorServer.Files(dataDirectory: directory.path)
        let pack = try Self.rulePack()
        store = try SQLiteCollectorStore(path: files.database, alertRouting: alertRouting, ruleTitles: pack.titles)
        let clock = TestClock()
        self.clock = clock
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test-collector")
        logger.logLevel = .critical
        let app = try CollectorServer.application(
            store: store, files: files, rulePack: pack, host: "127.0.0.1", port: 0, logger: logger, now: { clock.now },
            onServerRunning: { port in continuation.yield(port) })
        server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CollectorClientError.unreachable("the test collector did not start") }
        url = "https://127.0.0.1:\(port)"
    }

    deinit { server.cancel() }

    /// A client as a user with this token (the admin's by default).
    func client(token: String? = nil) throws -> CollectorClient {
        try CollectorClient(CollectorConnection(url: url, caFile: files.caCertificate, token: token ?? adminToken))
    }

    /// A client with no credentials at all.
    func anonymousClient() throws -> CollectorClient {
        try CollectorClient(CollectorConnection(url: url, caFile: files.caCertificate))
    }

    /// A client presenting an enrolled agent's certificate from its state directory.
    func agentClient(stateDirectory: String) throws -> CollectorClient {
        try CollectorClient(
            CollectorConnection(
                url: url, caFile: stateDirectory + "/collector-ca.pem", clientCertificateFile: stateDirectory + "/agent.pem",
                clientKeyFile: stateDirectory + "/agent.key"))
    }
}
