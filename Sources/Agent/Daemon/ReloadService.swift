import AgentSpool
import CanhModel
import ConfigurationFile
import Logging
import Rules
import ServiceLifecycle
import Systemd
import UnixSignals

/// `SIGHUP`: reads the configuration and the rule pack again. A pack or configuration with any
/// problem is refused whole: the running one stays, and the refusal is logged, shown in
/// `systemctl status` and `canh-agent status`.
struct ReloadService: Service {
    let configurationPath: String?
    let runtime: AgentRuntime
    let spool: Spool
    let notifier: ServiceNotifier
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            reload()
        }
    }

    private func reload() {
        notifier.reloading()
        let running = runtime.current
        do throws(AgentDaemonError) {
            var configuration = running.configuration
            if let configurationPath {
                do { configuration = try AgentConfiguration(contentsOf: configurationPath) } catch {
                    throw .configuration(error.description)
                }
            }
            let directory = configuration.rules ?? RulePackLocator.defaultDirectory()
            let local = try CheckedRulePack.load(directory: directory)
            let (pack, packSHA256, refusal) = ReceivedRulePacks(
                stateDirectory: configuration.stateDirectory, pinned: configuration.ruleKeys
            )
            .choose(local: local)
            if let refusal {
                logger.error(
                    "the rule pack received from the collector cannot be used; running the local pack", metadata: ["refused": "\(refusal)"])
            }
            runtime.replace(pack: pack, packSHA256: packSHA256, configuration: configuration)
            try? spool.setFact(StatusFacts.reloadError, "")
            try? spool.setFact(StatusFacts.rulesVersion, pack.version)
            logger.notice("reloaded", metadata: ["rules": "\(directory)", "version": "\(pack.version)"])
            notifier.reloaded(status: AgentDaemon.statusLine(pack: pack, level: running.level))
        } catch {
            logger.error(
                "reload refused; the running configuration and rule pack stay active",
                metadata: ["error": "\(error)", "running_rules": "\(running.pack.version)"])
            try? spool.setFact(StatusFacts.reloadError, "\(Timestamp.now().iso8601) \(error)")
            notifier.reloaded(status: "reload refused (\(error.description.prefix(200))); still running rules \(running.pack.version)")
        }
    }
}
