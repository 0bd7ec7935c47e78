public import CanhModel
public import ConfigurationFile
public import RulePackDistribution

/// `/etc/canh/agent.toml` (SPEC §6). Every table and key is checked, so a misspelt setting is an
/// error naming its line rather than a check that silently never runs.
public struct AgentConfiguration: Sendable, Equatable {
    public struct Journal: Sendable, Equatable {
        /// A directory of journal files; with `files`, both empty means the local system journal.
        public var directory: String?
        public var files: [String] = []
        /// journalctl-style matches (`_SYSTEMD_UNIT=sshd.service`) that narrow what is read.
        public var matches: [String] = []
    }

    public struct Certificates: Sendable, Equatable {
        public var paths: [String] = []
        /// Extra trust anchors (PEM files) beside the system store.
        public var trust: [String] = []
        public var intervalSeconds: Int64 = 6 * 3600
    }

    public struct Endpoints: Sendable, Equatable {
        public var targets: [Endpoint] = []
        public var intervalSeconds: Int64 = 6 * 3600
    }

    public struct Host: Sendable, Equatable {
        public var root = "/"
        public var intervalSeconds: Int64 = 6 * 3600
    }

    public static let defaultPath = "/etc/canh/agent.toml"
    public static let defaultStateDirectory = "/var/lib/canh-agent"

    /// `https://HOST:PORT` of the collector; nil before enrollment names one.
    public var collectorURL: String?
    /// Seconds between heartbeats (SPEC §6: 60 s; the collector marks a host stale after three).
    public var heartbeatSeconds: Int64 = 60
    public var stateDirectory = AgentConfiguration.defaultStateDirectory
    /// The rule pack directory; nil: the installed pack.
    public var rules: String?
    /// The level used until the collector says which one the host's system has.
    public var level: Level?
    /// The public keys (minisign's `RW…` form) a rule pack from the collector must be signed
    /// with; more than one during a key rotation. None: packs from the collector are refused.
    public var ruleKeys: [MinisignPublicKey] = []
    /// Where to serve Prometheus `/metrics` (loopback only); nil: not served.
    public var metrics: LoopbackAddress?
    public var journal = Journal()
    public var certificates = Certificates()
    public var endpoints = Endpoints()
    public var host = Host()

    public static let schema: [String: Set<String>] = [
        "": [],
        "collector": ["url", "heartbeat"],
        "agent": ["state_dir", "rules", "level", "metrics", "rule_keys"],
        "journal": ["directory", "files", "matches"],
        "certificates": ["paths", "trust", "interval"],
        "endpoints": ["targets", "interval"],
        "host": ["root", "interval"],
    ]

    /// Checks run at most this often, so that a typo such as `interval = "1s"` cannot load a server.
    static let minimumInterval: Int64 = 60

    public init() {}

    public init(contentsOf path: String) throws(ConfigurationError) {
        let document = try TOMLDocument(contentsOf: path)
        try document.requireOnly(Self.schema)
        if let collector = document.table("collector") {
            collectorURL = try collector.string("url")
            heartbeatSeconds = try collector.duration("heartbeat", atLeast: 1) ?? heartbeatSeconds
            if let url = collectorURL, !url.hasPrefix("https://") {
                throw collector.failure("url", "\(url): the collector is reached over HTTPS only (https://HOST:PORT)")
            }
        }
        if let agent = document.table("agent") {
            stateDirectory = try agent.string("state_dir") ?? stateDirectory
            rules = try agent.string("rules")
            for text in try agent.strings("rule_keys") ?? [] {
                do { ruleKeys.append(try MinisignPublicKey(parsing: text, source: "rule_keys")) } catch {
                    throw agent.failure("rule_keys", "\"\(text.prefix(60))\": \(error.description); paste the second line of the .pub file")
                }
            }
            if let number = try agent.integer("level", in: Int64(Level.range.lowerBound)...Int64(Level.range.upperBound)) {
                level = Level(rawValue: Int(number))
            }
            if let text = try agent.string("metrics"), !text.isEmpty {
                guard let address = LoopbackAddress(parsing: text) else {
                    throw agent.failure(
                        "metrics", "\(text): give a loopback address and port, e.g. 127.0.0.1:9464 (metrics are served on this host only)")
                }
                metrics = address
            }
        }
        if let table = document.table("journal") {
            journal = Journal(
                directory: try table.string("directory"), files: try table.strings("files") ?? [],
                matches: try table.strings("matches") ?? [])
            for match in journal.matches where !Self.isJournalMatch(match) {
                throw table.failure("matches", "\"\(match)\" is not a FIELD=value match such as _SYSTEMD_UNIT=sshd.service")
            }
        }
        if let table = document.table("certificates") {
            certificates = Certificates(
                paths: try table.strings("paths") ?? [], trust: try table.strings("trust") ?? [],
                intervalSeconds: try table.duration("interval", atLeast: Self.minimumInterval) ?? certificates.intervalSeconds)
        }
        if let table = document.table("endpoints") {
            var targets: [Endpoint] = []
            for text in try table.strings("targets") ?? [] {
                guard let endpoint = Endpoint(parsing: text) else {
                    throw table.failure("targets", "\"\(text)\" is not HOST:PORT or HOST:PORT@SNI")
                }
                targets.append(endpoint)
            }
            endpoints = Endpoints(
                targets: targets,
                intervalSeconds: try table.duration("interval", atLeast: Self.minimumInterval) ?? endpoints.intervalSeconds)
        }
        if let table = document.table("host") {
            host = Host(
                root: try table.string("root") ?? host.root,
                intervalSeconds: try table.duration("interval", atLeast: Self.minimumInterval) ?? host.intervalSeconds)
        }
    }

    /// `FIELD=value` with a journal field name.
    static func isJournalMatch(_ text: String) -> Bool {
        guard let equals = text.firstIndex(of: "=") else { return false }
        return JournalEvent.isFieldName(String(text[..<equals]))
    }
}

/// `127.0.0.1:PORT`, `[::1]:PORT` or `localhost:PORT`.
public struct LoopbackAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard ["127.0.0.1", "::1", "localhost"].contains(host) else { return nil }
        self.init(host: host, port: port)
    }
}
