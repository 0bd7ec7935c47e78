import AgentSpool
import CanhModel
import CollectorClient
import Foundation
public import Logging
import Rules
import ServiceLifecycle
import Systemd
import UnixSignals

/// `canh-agent run` (SPEC §3, §6): the journal follower, the state checks, delivery and heartbeats
/// as services of one group, which stops gracefully on SIGTERM or SIGINT: the follower commits
/// what it read, then the spool is flushed to the collector once more.
public struct AgentDaemon: Sendable {
    /// The spool's bound (SPEC §6: durable and bounded).
    public static let spoolCapacityBytes: Int64 = 256 << 20

    private let configuration: AgentConfiguration
    private let configurationPath: String?
    private let logger: Logger

    /// - Parameter configurationPath: the file SIGHUP reads again; nil keeps `configuration`.
    public init(configuration: AgentConfiguration, configurationPath: String?, logger: Logger) {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT.
    /// - Throws: `AgentDaemonError` when the agent cannot start; whatever stopped a service early.
    public func run() async throws {
        let stateDirectory = configuration.stateDirectory
        let identity = IdentityStore(stateDirectory: stateDirectory)
        let enrolled = try identity.load()
        let rulesDirectory = configuration.rules ?? RulePackLocator.defaultDirectory()
        let localPack = try CheckedRulePack.load(directory: rulesDirectory)
        let received = ReceivedRulePacks(stateDirectory: stateDirectory, pinned: configuration.ruleKeys)
        let (pack, packSHA256, startupRefusal) = received.choose(local: localPack)
        if let startupRefusal {
            logger.error(
                "the rule pack received from the collector cannot be used; running the local pack",
                metadata: ["refused": "\(startupRefusal)", "rules": "\(localPack.version)"])
        }
        let spool: Spool
        do {
            spool = try Spool(path: stateDirectory + "/spool.sqlite", capacityBytes: Self.spoolCapacityBytes)
        } catch {
            throw AgentDaemonError.spool(error.description)
        }
        let files = Enrollment.Files(stateDirectory: stateDirectory)
        let client: CollectorClient
        do {
            client = try CollectorClient(
                CollectorConnection(
                    url: configuration.collectorURL ?? enrolled.collector, caFile: files.collectorCA,
                    clientCertificateFile: files.certificate, clientKeyFile: files.key))
        } catch {
            throw AgentDaemonError.collector(error.description)
        }
        let hostname = enrolled.hostname ?? LocalHost.name
        // The level the collector last gave; the configured one only until it has said.
        let level = enrolled.level
        let runtime = AgentRuntime(pack: pack, packSHA256: packSHA256, level: level, configuration: configuration)
        let notifier = ServiceNotifier()
        let wake = WakeSignal()
        let control = JournalFollowerControl()
        let metrics = AgentMetrics()
        try? spool.setFact(StatusFacts.rulesVersion, pack.version)
        try? spool.setFact(StatusFacts.level, "\(level.rawValue)")
        try? spool.setFact(StatusFacts.started, Timestamp.now().iso8601)
        try? spool.setFact(StatusFacts.reloadError, "")
        try? spool.setFact(StatusFacts.rulesRefused, startupRefusal.map { "\(Timestamp.now().iso8601) \($0)" } ?? "")

        let source = Self.journalSource(configuration.journal)
        let matches = Self.journalMatches(configuration.journal)
        let journalLogger = logger
        let journal = JournalService(
            makeFollower: {
                let follower = try JournalFollower(
                    source: source, matches: matches, spool: spool, runtime: runtime, hostname: hostname, control: control,
                    delivery: wake, metrics: metrics, logger: journalLogger)
                notifier.ready(status: Self.statusLine(pack: pack, level: level))
                return follower
            }, control: control, logger: logger)
        let delivery = DeliveryService(
            delivery: Delivery(spool: spool, client: client), spool: spool, runtime: runtime, hostname: hostname, wake: wake,
            backoff: Backoff(), metrics: metrics, logger: logger)
        let checks = [PostureCheckService.Kind.host, .certificates, .endpoints].map { kind in
            PostureCheckService(
                kind: kind, runtime: runtime, spool: spool, hostname: hostname, wake: wake, metrics: metrics, logger: logger)
        }
        let updater = RulePackUpdater(
            client: client, runtime: runtime, spool: spool, hostname: hostname, stateDirectory: stateDirectory, wake: wake,
            startupRefusal: startupRefusal, logger: logger)
        let heartbeat = HeartbeatService(
            client: client, spool: spool, runtime: runtime, interval: .seconds(configuration.heartbeatSeconds), identity: identity,
            rulePacks: updater, metrics: metrics, logger: logger)
        let reload = ReloadService(configurationPath: configurationPath, runtime: runtime, spool: spool, notifier: notifier, logger: logger)

        // Graceful shutdown goes in reverse order: the journal commits before delivery flushes.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: delivery, serviceName: "delivery"), .init(service: heartbeat, serviceName: "heartbeat"),
        ]
        services += checks.map { .init(service: $0, serviceName: "\($0.kind.rawValue) checks") }
        services += [
            .init(service: journal, serviceName: "journal"), .init(service: reload, serviceName: "reload"),
            .init(service: WatchdogService(notifier: notifier, control: control), serviceName: "watchdog"),
        ]
        if let address = configuration.metrics {
            services.append(
                .init(
                    service: MetricsService(host: address.host, port: address.port, metrics: metrics, logger: logger),
                    serviceName: "metrics"))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        logger.notice(
            "canh-agent started",
            metadata: [
                "version": "\(AgentVersion.current)", "rules": "\(pack.version)", "from_collector": "\(packSHA256 != nil)",
                "level": "\(level.rawValue)",
                "collector": "\(configuration.collectorURL ?? enrolled.collector)", "host": "\(hostname)",
            ])
        defer { notifier.stopped() }
        do {
            try await group.run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        logger.notice("canh-agent stopped")
    }

    static func statusLine(pack: RulePack, level: Level) -> String {
        "following the journal; rules \(pack.version) at level \(level.rawValue)"
    }

    static func journalSource(_ journal: AgentConfiguration.Journal) -> JournalSource {
        if let directory = journal.directory, !directory.isEmpty { return .directory(directory) }
        if !journal.files.isEmpty { return .files(journal.files) }
        return .local
    }

    /// One group: entries must match every field named, any of the values given for one field.
    static func journalMatches(_ journal: AgentConfiguration.Journal) -> [[JournalMatch]] {
        let group = journal.matches.compactMap(JournalMatch.init(parsing:))
        return group.isEmpty ? [] : [group]
    }
}
