import Agent
import ArgumentParser
import CommandSupport
import Foundation

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll this agent with a collector, once, using a token from `canh-collector token create`.",
        discussion: """
            Makes a private key on this host, sends a certificate request with the token, and keeps the key, the \
            client certificate and the collector's CA in the state directory (mode 0600).
            """)

    @Option(
        help: ArgumentHelp(
            "The collector's URL, e.g. https://canh.hungyen.gov.vn:8443 (default: [collector] url of the configuration).",
            valueName: "URL"))
    var collector: String?

    @Option(help: ArgumentHelp("The enrollment token.", valueName: "TOKEN"))
    var token: String

    @Option(help: ArgumentHelp("The collector's CA certificate (its ca.pem), to trust on this first connection.", valueName: "FILE"))
    var ca: String?

    @Option(
        help: ArgumentHelp(
            "Where the agent keeps its key and state (default: [agent] state_dir of the configuration, else /var/lib/canh-agent).",
            valueName: "DIR"))
    var stateDir: String?

    @OptionGroup var settings: AgentConfigurationOption

    @Option(help: ArgumentHelp("The name this host reports as (default: its host name).", valueName: "NAME"))
    var hostname: String?

    func run() async throws {
        let configuration = try settings.load()
        guard let collector = collector ?? configuration.collectorURL else {
            throw ValidationError("no collector: give --collector URL or set [collector] url in the configuration")
        }
        let stateDir = stateDir ?? configuration.stateDirectory
        let name = hostname ?? ProcessInfo.processInfo.hostName
        let identity: Enrollment.Identity
        do {
            identity = try await Enrollment(collectorURL: collector, caFile: ca, stateDirectory: stateDir)
                .enroll(token: token, hostname: name, agentVersion: AgentVersion.current)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        print("enrolled \(name) as agent \(identity.agentID) in system \(identity.system) (level \(identity.level)); state in \(stateDir)")
    }
}
