import ArgumentParser
import CanhModel
import CollectorClient
import CollectorPKI
import CollectorServer
import CollectorStore
import CommandSupport
import Reports
import RulePackDistribution

@main
struct CanhCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canh-collector",
        abstract: "Canh collector: the inventory of information systems, enrolled hosts and their findings.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, MigrateCommand.self, ServeCommand.self, SystemCommand.self, TokenCommand.self, HostsCommand.self,
            FindingsCommand.self,
            UsersCommand.self, AuditCommand.self, CertsCommand.self, ReportCommand.self, AttestationsCommand.self,
            AlertsCommand.self, RulesCommand.self,
        ]
    )

    /// A request the collector refused or could not be sent (with the collector's message, which
    /// names the field at fault), a data directory that cannot be set up and a store or key that
    /// cannot be opened are input errors: exit 2.
    static func main() async {
        await runWithExitCodes { error in
            switch error {
            case let error as CollectorClientError: error.description
            case let error as DataDirectory.Failure: error.description
            case let error as StoreError: error.description
            case let error as PKIError: error.description
            case let error as ReportError: error.description
            case let error as OutputFile.Failure: error.description
            case let error as PackError: error.description
            default: nil
            }
        }
    }
}
