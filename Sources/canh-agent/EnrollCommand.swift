import Agent
import ArgumentParser
import CanhModel
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

    @Option(
        help: ArgumentHelp(
            "The enrollment token. Other users can read it in the process list while enroll runs: prefer --token-file or CANH_TOKEN.",
            valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("A file holding the enrollment token (its first line).", valueName: "FILE"))
    var tokenFile: String?

    @Flag(
        help: ArgumentHelp(
            "This machine was enrolled before (its state was lost or it was rebuilt): revoke the host that holds its name "
                + "or machine id and take its place and, in the same system, its findings."))
    var replace = false

    @Option(help: ArgumentHelp("This machine's id (default: /etc/machine-id).", valueName: "ID"))
    var machineID: String?

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

    /// The token from exactly one of --token, --token-file and CANH_TOKEN.
    private func enrollmentToken() throws -> String {
        let environment = ProcessInfo.processInfo.environment["CANH_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        switch (token, tokenFile, environment) {
        case (let token?, nil, _): return token
        case (nil, let file?, _):
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("--token-file \(file): cannot be read (\(error.localizedDescription))")
            }
            guard let line = text.split(whereSeparator: \.isNewline).first, !line.isEmpty else {
                throw ValidationError("--token-file \(file): the file is empty")
            }
            return line.trimmingCharacters(in: .whitespaces)
        case (nil, nil, let token?): return token
        case (nil, nil, nil): throw ValidationError("no enrollment token: give --token-file FILE, CANH_TOKEN or --token")
        default: throw ValidationError("give the token once: --token or --token-file, not both")
        }
    }

    func validate() throws {
        if let machineID, !EnrolledHost.isValidMachineID(machineID) {
            throw ValidationError("--machine-id \(machineID): 32 lower-case hexadecimal digits, as in /etc/machine-id")
        }
    }

    func run() async throws {
        let token = try enrollmentToken()
        let configuration = try settings.load()
        guard let collector = collector ?? configuration.collectorURL else {
            throw ValidationError("no collector: give --collector URL or set [collector] url in the configuration")
        }
        let stateDir = stateDir ?? configuration.stateDirectory
        let name = hostname ?? ProcessInfo.processInfo.hostName
        let identity: Enrollment.Identity
        do {
            identity = try await Enrollment(collectorURL: collector, caFile: ca, stateDirectory: stateDir)
                .enroll(
                    token: token, hostname: name, agentVersion: AgentVersion.current, machineID: machineID ?? Enrollment.localMachineID(),
                    replace: replace)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        Console.output(
            "enrolled \(name) as agent \(identity.agentID) in system \(identity.system) (level \(identity.level)); state in \(stateDir)")
        if let replaced = identity.replacedAgentID { Console.output("replaced agent \(replaced), which is now revoked") }
    }
}
