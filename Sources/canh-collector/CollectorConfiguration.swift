import AlertDelivery
import Alerts
import CanhModel
import CollectorServer
import CollectorStore
import ConfigurationFile
import Foundation
import PostgresStore

/// `/etc/canh/collector.toml` (SPEC §6); command-line flags override it. Every table and key is
/// checked, so a misspelt setting is an error with its line rather than silently ignored.
struct CollectorConfiguration: Equatable {
    var dataDirectory: String?
    var listen: String?
    /// Empty: SQLite in the data directory; `postgres://…`: PostgreSQL.
    var database: String?
    /// The PostgreSQL password, in a file of its own (else CANH_DATABASE_PASSWORD).
    var databasePasswordFile: String?
    /// This collector's share of PostgreSQL's `max_connections`.
    var databaseConnections: Int?
    /// The rule pack whose requirement catalogue reports judge compliance on.
    var rules: String?
    /// Timeouts and the per-address connection limit of the HTTPS listener.
    var connectionLimits = ConnectionLimits()
    /// Where alerts go.
    var alertChannels: [AlertChannel] = []
    /// Which finding and host changes alert, and through which channels.
    var alertRules: [AlertRule] = []
    /// Timing, throttling, retries and maintenance windows of delivery.
    var alertDelivery = AlertDeliverySettings()
    /// How long people stay signed in to the web console.
    var consoleLimits = ConsoleSessionLimits()

    static let defaultPath = "/etc/canh/collector.toml"

    static let schema: [String: Set<String>] = [
        "": [],
        "collector": [
            "data_dir", "listen", "database", "database_password_file", "database_connections", "rules", "header_timeout",
            "request_timeout", "idle_timeout", "max_connections_per_address",
        ],
        "console": ["session_idle", "session_lifetime"],
        "alerts": ["poll_interval", "window", "attempts", "retry_delay", "max_retry_delay", "claim_timeout"],
        "alerts.channels": [
            "name", "type", "url", "secret", "address", "tls", "smtp", "from", "to", "lang", "username", "password", "ca", "limit",
            "limit_per_rule",
        ],
        "alerts.rules": ["name", "min_severity", "rules", "systems", "owners", "levels", "transitions", "channels"],
        "alerts.maintenance": ["system", "from", "until", "reason"],
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
            if let seconds = try collector.duration("header_timeout", atLeast: 1) { connectionLimits.headerTimeout = .seconds(seconds) }
            if let seconds = try collector.duration("request_timeout", atLeast: 1) { connectionLimits.requestTimeout = .seconds(seconds) }
            if let seconds = try collector.duration("idle_timeout", atLeast: 1) { connectionLimits.idleTimeout = .seconds(seconds) }
            if let count = try collector.integer("max_connections_per_address", in: 1...100_000) {
                connectionLimits.connectionsPerAddress = Int(count)
            }
            if let database, !database.isEmpty {
                do {
                    _ = try PostgresLocation(url: database, password: nil)
                } catch {
                    throw collector.failure("database", "\(error.message); leave it empty for SQLite in data_dir")
                }
            }
            databasePasswordFile = try collector.string("database_password_file")
            databaseConnections = try collector.integer("database_connections", in: 1...1000).map(Int.init)
        }
        if let console = document.table("console") {
            if let seconds = try console.duration("session_idle", atLeast: 1) { consoleLimits.idle = .seconds(seconds) }
            if let seconds = try console.duration("session_lifetime", atLeast: 1) { consoleLimits.absolute = .seconds(seconds) }
            guard consoleLimits.idle <= consoleLimits.absolute else {
                throw console.failure("session_idle", "longer than session_lifetime; a session ends at the lifetime anyway")
            }
        }
        if let alerts = document.table("alerts") {
            if let seconds = try alerts.duration("poll_interval", atLeast: 1) { alertDelivery.pollInterval = .seconds(seconds) }
            if let seconds = try alerts.duration("window", atLeast: 60) { alertDelivery.window = .seconds(seconds) }
            if let attempts = try alerts.integer("attempts", in: 1...100) { alertDelivery.attempts = Int(attempts) }
            if let seconds = try alerts.duration("retry_delay", atLeast: 1) { alertDelivery.retryDelay = .seconds(seconds) }
            if let seconds = try alerts.duration("max_retry_delay", atLeast: 1) { alertDelivery.maximumRetryDelay = .seconds(seconds) }
            if let seconds = try alerts.duration("claim_timeout", atLeast: 1) { alertDelivery.claimTimeout = .seconds(seconds) }
        }
        for table in document.tables("alerts.channels") {
            let channel = try Self.channel(table)
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
        for table in document.tables("alerts.maintenance") {
            let from = try Self.time(table, "from")
            let until = try Self.time(table, "until")
            guard from < until else { throw table.failure("until", "the window ends before it starts (\(from.iso8601))") }
            alertDelivery.maintenance.append(
                MaintenanceWindow(
                    system: try table.requiredString("system"), from: from, until: until, reason: try table.requiredString("reason")))
        }
    }

    /// One channel, with the keys its type needs.
    private static func channel(_ table: SettingsTable) throws(ConfigurationError) -> AlertChannel {
        let name = try table.requiredString("name")
        let kind = try table.requiredChoice("type", as: ChannelType.self)
        let ca = try table.string("ca")
        let destination: AlertChannel.Destination
        switch kind {
        case .webhook:
            let url = try table.requiredString("url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw table.failure("url", "\"\(url)\" is not an http:// or https:// URL")
            }
            destination = .webhook(.init(url: url, secret: try table.requiredString("secret"), caFile: ca))
        case .syslog:
            let (host, port) = try address(table, "address")
            destination = .syslog(.init(host: host, port: port, tls: try table.boolean("tls") ?? false, caFile: ca))
        case .email:
            let (host, port) = try address(table, "smtp")
            guard let to = try table.strings("to"), !to.isEmpty else { throw table.failure("to", "name at least one recipient") }
            let username = try table.string("username")
            let password = try table.string("password")
            if username != nil, password == nil { throw table.failure("password", "username is set; the password is missing") }
            destination = .email(
                .init(
                    host: host, port: port, from: try table.requiredString("from"), to: to, username: username, password: password,
                    caFile: ca))
        }
        return AlertChannel(
            name: name, destination: destination, language: try table.choice("lang", as: AlertLanguage.self) ?? .vi,
            limit: Int(try table.integer("limit", in: 1...100_000) ?? 60),
            limitPerRule: Int(try table.integer("limit_per_rule", in: 1...100_000) ?? 5))
    }

    enum ChannelType: String, CaseIterable { case webhook, syslog, email }

    /// `HOST:PORT`, the port required.
    private static func address(_ table: SettingsTable, _ key: String) throws(ConfigurationError) -> (String, Int) {
        let text = try table.requiredString(key)
        guard let (host, port) = hostAndPort(text), !host.isEmpty, port != 0 else {
            throw table.failure(key, "\"\(text)\" is not HOST:PORT, e.g. siem.hungyen.gov.vn:6514")
        }
        return (host, port)
    }

    private static func time(_ table: SettingsTable, _ key: String) throws(ConfigurationError) -> Timestamp {
        let text = try table.requiredString(key)
        guard let time = Timestamp(iso8601: text) else {
            throw table.failure(key, "\"\(text)\" is not a time such as 2026-11-23T22:00:00+07:00")
        }
        return time
    }
}
