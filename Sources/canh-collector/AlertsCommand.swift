import AlertDelivery
public import Alerts
public import ArgumentParser
import CanhModel
import CollectorClient
import CommandSupport
import Foundation

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "The alert outbox: list what was sent or waits, retry dead alerts, test a channel.",
        subcommands: [List.self, Retry.self, Test.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queued alerts, newest first; --state dead is the dead-letter list.")
        @Option(help: "pending, sent, dead, suppressed or digested.") var state: QueuedAlert.State?
        @Option(help: "At most this many.") var limit = 100
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let alerts: [QueuedAlert] = try await client.with {
                try await $0.get("/api/v1/alerts", query: [("state", state?.rawValue), ("limit", String(limit))])
            }
            try Output.print(
                alerts, format: format, columns: ["ID", "CHANNEL", "STATE", "ATTEMPTS", "AT", "SYSTEM", "SUBJECT", "LAST ERROR"],
                row: {
                    [
                        String($0.id), $0.channel, $0.state.rawValue, String($0.attempts), $0.message.at.iso8601, $0.message.system.id,
                        $0.message.text(.en).subject, $0.lastError ?? "",
                    ]
                })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead alerts again (role analyst or admin): those named with --id, or all of them.")
        @Option(name: .customLong("id"), help: "A dead alert's id; repeat for several.") var ids: [Int64] = []
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let reply: AlertRetryReply = try await client.with {
                try await $0.post("/api/v1/alerts/retry", body: AlertRetryRequest(ids: ids))
            }
            Console.output("\(reply.retried) dead alert(s) queued again")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test alert through a channel of collector.toml, from this machine, and say whether it arrived.")
        @Argument(help: "The channel's name in [[alerts.channels]].") var channel: String
        @Option(help: ArgumentHelp("The configuration file (default /etc/canh/collector.toml).", valueName: "FILE"))
        var config: String?

        func run() async throws {
            let settings = try CollectorConfiguration.load(config ?? CollectorConfiguration.defaultPath)
            guard let configured = settings.alertChannels.first(where: { $0.name == channel }) else {
                let known = settings.alertChannels.map(\.name)
                throw ValidationError(
                    "no [[alerts.channels]] is called \(channel)" + (known.isEmpty ? "" : "; known: \(known.joined(separator: ", "))"))
            }
            let hostname = ProcessInfo.processInfo.hostName
            let time = Timestamp.now()
            let message = AlertMessage(
                key: StableDigest.hex(of: ["test", channel, time.iso8601, UUID().uuidString]), kind: .test, transition: nil,
                alertRule: channel, at: time,
                system: InformationSystem(id: "canh-test", name: "Canh", owner: "canh-collector", level: .lowest), host: hostname,
                rule: "canh.test", severity: .info)
            do {
                try await configured.sender(hostname: hostname).send(message)
            } catch {
                Console.error("error: channel \(channel) (\(configured.summary)): \(error)")
                throw ExitCode(1)
            }
            Console.output("test alert \(message.key) sent through \(channel) (\(configured.summary))")
        }
    }
}

extension QueuedAlert.State: ExpressibleByArgument {}
