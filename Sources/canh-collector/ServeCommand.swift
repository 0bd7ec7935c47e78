import AlertDelivery
import Alerts
import ArgumentParser
import CanhModel
import CollectorServer
import CollectorService
import CollectorStore
import ConfigurationFile
import Foundation
import Hummingbird
import Logging
import Prometheus
import Rules
import Systemd

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTPS service (TLS 1.2+): the API, agent enrollment and ingest.")

    @Option(
        help: ArgumentHelp(
            "The configuration file (TOML, SPEC §6); the default is read when it exists. Flags override it.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Where `init` put the store and keys (default /var/lib/canh-collector).", valueName: "DIR"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Address and port to listen on; port 0: any free port (default 127.0.0.1:8443).", valueName: "HOST:PORT"))
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "The rule pack whose requirement catalogue compliance reports use (default: /usr/share/canh-collector/rules).", valueName: "DIR"
        ))
    var rules: String?

    func run() async throws {
        let settings = try CollectorConfiguration.load(config)
        let dataDir = self.dataDir ?? settings.dataDirectory ?? "/var/lib/canh-collector"
        let listen = self.listen ?? settings.listen ?? "127.0.0.1:8443"
        guard let (host, port) = hostAndPort(listen) else {
            throw ValidationError("listen \(listen): expected HOST:PORT, e.g. 127.0.0.1:8443")
        }
        let storeSettings = StoreSettings(dataDirectory: dataDir, database: nil, settings: settings)
        try storeSettings.requireStore()
        var logger = Logger(label: "canh-collector")
        logger.logLevel = .info
        let rulesDirectory = rules ?? settings.rules ?? RulePackLocator.defaultDirectory(installed: RulePackLocator.installedForCollector)
        let loaded = RulePack.load(directory: rulesDirectory)
        guard loaded.problems.isEmpty else {
            throw ValidationError(
                "the rule pack in \(rulesDirectory) has problems (check it with `canh-agent rules check`):\n"
                    + loaded.problems.map(\.description).joined(separator: "\n"))
        }
        // Alerts are queued in the store with the changes that cause them, and delivered from it.
        // The agent's own findings (a refused rule pack) read like the pack's rules.
        let titles = loaded.pack.titles.merging(BuiltInRule.all.map { ($0.id, $0.title) }) { pack, _ in pack }
        let store = try await storeSettings.open(
            alertRouting: AlertRouting(rules: settings.alertRules), ruleTitles: titles, logger: logger)
        let registry = PrometheusCollectorRegistry()
        // Findings, alerts and the console show what to do from the newest pack published here.
        let guides = RuleGuideBook(loaded.pack.guidance.merging(BuiltInRule.all.map { ($0.id, $0.guidance) }) { pack, _ in pack })
        try await guides.learnNewestPublished(from: store)
        let dispatcher: AlertDispatcher
        do {
            dispatcher = try AlertDispatcher(
                store: store, channels: settings.alertChannels, settings: settings.alertDelivery,
                hostname: ProcessInfo.processInfo.hostName, guides: guides, registry: registry, logger: logger)
        } catch {
            throw ValidationError("alert channels: \(error)")
        }
        let notifier = ServiceNotifier()
        let address = "https://\(host):\(port)"
        let app = try CollectorServer.application(
            store: store, files: CollectorServer.Files(dataDirectory: dataDir), rulePack: loaded.pack, guides: guides, host: host,
            port: port,
            logger: logger, limits: settings.connectionLimits, consoleLimits: settings.consoleLimits, registry: registry,
            onServerRunning: { boundPort in
                // One line on standard output that scripts and tests wait for.
                FileHandle.standardOutput.write(Data("listening on https://\(host):\(boundPort)\n".utf8))
                notifier.ready(status: "listening on https://\(host):\(boundPort), rule pack \(loaded.pack.version)")
            })
        defer { notifier.stopped() }
        logger.info("starting", metadata: ["address": "\(address)", "rules": "\(rulesDirectory)"])
        try await CollectorServices.run(store: store, http: app, dispatcher: dispatcher, notifier: notifier, logger: logger)
    }
}

extension CollectorConfiguration {
    /// The file named by --config, else the default one when it exists, else nothing.
    static func load(_ path: String?) throws -> CollectorConfiguration {
        let file = path ?? defaultPath
        guard path != nil || FileManager.default.fileExists(atPath: file) else { return CollectorConfiguration() }
        do {
            return try CollectorConfiguration(contentsOf: file)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
