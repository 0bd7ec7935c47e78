import Alerts
import CanhModel
import ConfigurationFile

/// `/etc/canh/collector.toml` (SPEC §6); command-line flags override it. Every table and key is
/// checked, so a misspelt setting is an error with its line rather than silently ignored.
struct CollectorConfiguration: Equatable {
    var dataDirectory: String?
    var listen: String?
    /// Empty: SQLite in the data directory.
    var database: String?
    /// The rule pack whose requirement catalogue reports judge compliance on.
    var rules: String?
    var alertChannels: [AlertChannel] = []
    /// Which finding and host changes alert, and through which channels.
    var alertRules: [AlertRule] = []

    /// Where alerts go (delivered from issue 9 on; read and checked now so that a file written
    /// for it is accepted or refused the same way from the start).
    struct AlertChannel: Equatable {
        enum Kind: String, CaseIterable { case webhook, syslog, email }
        var name: String
        var kind: Kind
        var url: String?
        var secret: String?
        var address: String?
        var tls: Bool?
        var smtp: String?
        var from: String?
        var to: [String]?
        var language: String?
    }

    static let defaultPath = "/etc/canh/collector.toml"

    static let schema: [String: Set<String>] = [
        "": [],
        "collector": ["data_dir", "listen", "database", "rules"],
        "alerts.channels": ["name", "type", "url", "secret", "address", "tls", "smtp", "from", "to", "lang"],
        "alerts.rules": ["name", "min_severity", "rules", "systems", "owners", "levels", "transitions", "channels"],
    ]

    init() {}

    init(contentsOf path: String) throws(ConfigurationError) {
        let document = try TOMLDocument(contentsOf: path)
        try document.requireOnly(Self.schema)
        if let collector = document.table("collector") {
            dataDirectory = try collector.string("data_dir")
            listen = try collector.string("listen")
            database = try collector.string("database")
            rules = try collector.string("rules")
            if let database, !database.isEmpty, !database.hasPrefix("sqlite:") {
                throw collector.failure("database", "only SQLite in data_dir is available yet; leave it empty")
            }
        }
        for table in document.tables("alerts.channels") {
            let channel = AlertChannel(
                name: try table.requiredString("name"),
                kind: try table.requiredChoice("type", as: AlertChannel.Kind.self),
                url: try table.string("url"), secret: try table.string("secret"), address: try table.string("address"),
                tls: try table.boolean("tls"), smtp: try table.string("smtp"), from: try table.string("from"),
                to: try table.strings("to"), language: try table.string("lang"))
            if let language = channel.language, !["vi", "en"].contains(language) {
                throw table.failure("lang", "\"\(language)\" is not one of vi, en")
            }
            guard !alertChannels.contains(where: { $0.name == channel.name }) else {
                throw table.failure("name", "another channel is already called \(channel.name)")
            }
            alertChannels.append(channel)
        }
        for table in document.tables("alerts.rules") {
            let rule = AlertRule(
                name: try table.requiredString("name"), minimumSeverity: try table.choice("min_severity", as: Severity.self),
                rulePatterns: try table.strings("rules") ?? [], systems: try table.strings("systems") ?? [],
                owners: try table.strings("owners") ?? [],
                levels: (try table.integers("levels", in: 1...5) ?? []).compactMap { Level(rawValue: Int($0)) },
                transitions: try table.choices("transitions", as: AlertTransition.self) ?? [],
                channels: try table.strings("channels") ?? [])
            guard !rule.channels.isEmpty else { throw table.failure("channels", "name at least one [[alerts.channels]]") }
            for channel in rule.channels where !alertChannels.contains(where: { $0.name == channel }) {
                throw table.failure("channels", "no [[alerts.channels]] is called \(channel)")
            }
            alertRules.append(rule)
        }
    }
}
