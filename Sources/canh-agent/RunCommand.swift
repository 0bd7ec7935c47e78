import Agent
import ArgumentParser
import CommandSupport
import Foundation
import Glibc
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: follow the journal, run the checks, deliver findings to the collector.",
        discussion: """
            Meant to run under systemd (Type=notify; see packaging/). SIGHUP reads the configuration and the rule \
            pack again (a pack with problems is refused and the running one stays); SIGTERM stops after saving the \
            journal position and a last delivery. Logs go to standard error in journald's form.
            """)

    @OptionGroup var settings: AgentConfigurationOption

    @Option(help: "The least important log messages shown (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let configuration = try settings.load()
        Self.unblockControlSignals()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JournaldLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let daemon = AgentDaemon(
            configuration: configuration, configurationPath: settings.existingPath, logger: Logger(label: "canh-agent"))
        do {
            try await daemon.run()
        } catch let error as AgentDaemonError {
            Console.error("canh-agent: \(error)")
            throw ExitCode(2)
        } catch {
            Console.error("canh-agent: stopped: \(error)")
            throw ExitCode(1)
        }
    }
}

extension RunCommand {
    /// A daemon started by a parent that blocks signals (a test runner, some supervisors) would
    /// never see SIGTERM or SIGHUP; systemd resets the mask, everyone else may not.
    static func unblockControlSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the journal position, the spool, the last delivery and whether the collector can be reached.",
        discussion: "Exit status: 0 when all is well, 1 when the collector cannot be reached or the last delivery or reload failed.")

    @OptionGroup var settings: AgentConfigurationOption

    func run() async throws {
        let configuration = try settings.load()
        let status: AgentStatus
        do {
            status = try await AgentStatus.gather(configuration: configuration)
        } catch {
            Console.error("canh-agent: \(error)")
            throw ExitCode(2)
        }
        Console.output(status.text)
        if !status.healthy { throw ExitCode(1) }
    }
}
