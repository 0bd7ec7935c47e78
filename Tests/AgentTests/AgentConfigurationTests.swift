import Agent
import CanhModel
import ConfigurationFile
import Foundation
import TestSupport
import Testing

/// `agent.toml` as a sysadmin writes it: the sample in etc/, and the mistakes that must not
/// leave a check silently switched off.
@Suite struct AgentConfigurationTests {
    @Test("the sample etc/agent.toml is read whole")
    func sample() throws {
        let configuration = try AgentConfiguration(contentsOf: ProcessRunner.repositoryRoot + "/etc/agent.toml")
        #expect(configuration.collectorURL == "https://canh.hungyen.gov.vn:8443")
        #expect(configuration.stateDirectory == "/var/lib/canh-agent")
        #expect(configuration.rules == nil)
        #expect(configuration.ruleKeys.isEmpty, "packs from the collector are refused until a key is pinned")
        #expect(configuration.level == Level.all[2])
        #expect(configuration.journal.directory == "")
        #expect(configuration.journal.files.isEmpty && configuration.journal.matches.isEmpty)
        #expect(configuration.certificates.paths == ["/etc/ssl/certs/portal.pem", "/etc/nginx/tls"])
        #expect(configuration.certificates.intervalSeconds == 6 * 3600)
        let target = try #require(configuration.endpoints.targets.first)
        #expect((target.host, target.port, target.serverName) == ("127.0.0.1", 443, "dichvucong.hungyen.gov.vn"))
        #expect(configuration.host.root == "/")
        #expect(configuration.host.intervalSeconds == 3600)
        #expect(configuration.heartbeatSeconds == 60)
        #expect(configuration.metrics == LoopbackAddress(host: "127.0.0.1", port: 9464))
    }

    @Test(
        "a misspelt key, a plain-HTTP collector, a level outside 1–5, a too-short interval, a bad target or match names its line",
        arguments: [
            ("[journal]\ndirectorys = \"/var/log/journal\"\n", "2: unknown key directorys in [journal]; known: directory, files, matches"),
            ("[collector]\nurl = \"http://canh:8080\"\n", "2: collector.url: http://canh:8080: the collector is reached over HTTPS only"),
            ("[agent]\nlevel = 7\n", "2: agent.level: 7 is outside 1…5"),
            ("[host]\n\ninterval = \"1s\"\n", "3: host.interval: 1s is shorter than the 60 s minimum"),
            ("[certificates]\ninterval = 3600\n", "2: certificates.interval: expected a string, found an integer"),
            ("[endpoints]\ntargets = [\"portal\"]\n", "2: endpoints.targets: \"portal\" is not HOST:PORT or HOST:PORT@SNI"),
            ("[journal]\nmatches = [\"sshd\"]\n", "2: journal.matches: \"sshd\" is not a FIELD=value match"),
            ("[agent]\nmetrics = \"0.0.0.0:9464\"\n", "2: agent.metrics: 0.0.0.0:9464: give a loopback address and port"),
            (
                "[agent]\nrule_keys = [\"RWQf6LRCGA9i53mlYecO4IzT51TGPpvW\"]\n",
                "2: agent.rule_keys: \"RWQf6LRCGA9i53mlYecO4IzT51TGPpvW\": rule_keys: not a minisign Ed25519 public key"
            ),
            ("[collector]\nheartbeat = \"0s\"\n", "2: collector.heartbeat: \"0s\" is not a duration such as 30m, 6h or 1d"),
            // Ten years is the longest: a nanosecond sleep of this many seconds would overflow and trap.
            (
                "[collector]\nheartbeat = \"99999999999999d\"\n",
                "2: collector.heartbeat: \"99999999999999d\" is not a duration such as 30m, 6h or 1d (at most 3650d)"
            ),
            (
                "[agnet]\nlevel = 3\n",
                "1: unknown table [agnet]; known: [agent], [certificates], [collector], [endpoints], [host], [journal]"
            ),
        ])
    func mistakes(text: String, message: String) throws {
        let directory = try TemporaryDirectory(prefix: "canh-agent-config")
        let file = directory.file("agent.toml")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try AgentConfiguration(contentsOf: file) }
        do {
            _ = try AgentConfiguration(contentsOf: file)
        } catch {
            #expect(error.description.hasPrefix("\(file):\(message)"), "\(error.description)")
        }
    }
}
