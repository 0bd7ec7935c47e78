import Agent
public import ArgumentParser
public import CanhModel
import ConfigurationFile
import Foundation
import Rules

extension Level: ExpressibleByArgument {
    public init?(argument: String) {
        guard let number = Int(argument) else { return nil }
        self.init(rawValue: number)
    }
}

extension Severity: ExpressibleByArgument {}

extension Endpoint: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
extension Language: ExpressibleByArgument {}

/// `--rules DIR`, shared by the commands that read the pack.
struct RulePackOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The rule pack directory.", valueName: "DIR"))
    var rules: String?

    var directory: String { rules ?? RulePackLocator.defaultDirectory() }

    /// Loads the pack; any problem in it is an input error listing every problem.
    func load() throws -> RulePack {
        let (pack, problems) = RulePack.load(directory: directory)
        guard problems.isEmpty else {
            throw InputError(
                description: "the rule pack \(directory) has problems; run \"canh-agent rules check\":\n"
                    + problems.map(\.description).joined(separator: "\n"))
        }
        return pack
    }
}

/// `--config FILE`: agent.toml (SPEC §6). The default file is read when it exists; a file named
/// here must exist. A setting that cannot be used stops the command with its file and line.
struct AgentConfigurationOption: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("The agent's configuration (TOML; default \(AgentConfiguration.defaultPath) when it exists).", valueName: "FILE")
    )
    var path: String?

    /// The file read: the one named, or the default when it exists.
    var existingPath: String? {
        path ?? (FileManager.default.fileExists(atPath: AgentConfiguration.defaultPath) ? AgentConfiguration.defaultPath : nil)
    }

    func load() throws -> AgentConfiguration {
        let file = path ?? AgentConfiguration.defaultPath
        guard path != nil || FileManager.default.fileExists(atPath: file) else { return AgentConfiguration() }
        do {
            return try AgentConfiguration(contentsOf: file)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
