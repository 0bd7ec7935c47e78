public import Alerts

/// One `[[alerts.channels]]` of collector.toml, checked: where its messages go, in which
/// language, and how many it may carry per throttle window.
public struct AlertChannel: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        case webhook(Webhook)
        case syslog(Syslog)
        case email(Email)
    }

    /// An HTTP(S) endpoint that receives each message as JSON, signed with the channel's secret.
    public struct Webhook: Sendable, Hashable {
        public var url: String
        public var secret: String
        /// PEM file of the CA that signed an internal HTTPS endpoint; nil: the system's roots.
        public var caFile: String?

        public init(url: String, secret: String, caFile: String? = nil) {
            self.url = url
            self.secret = secret
            self.caFile = caFile
        }
    }

    /// A syslog receiver (a provincial SIEM) over TCP, RFC 5424 messages framed by octet counting.
    public struct Syslog: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// RFC 5425: TLS from the first byte.
        public var tls: Bool
        public var caFile: String?

        public init(host: String, port: Int, tls: Bool, caFile: String? = nil) {
            self.host = host
            self.port = port
            self.tls = tls
            self.caFile = caFile
        }
    }

    /// An SMTP relay: STARTTLS always (credentials and findings never cross in clear), then
    /// AUTH PLAIN when a user is configured.
    public struct Email: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var from: String
        public var to: [String]
        public var username: String?
        public var password: String?
        public var caFile: String?

        public init(
            host: String, port: Int, from: String, to: [String], username: String? = nil, password: String? = nil, caFile: String? = nil
        ) {
            self.host = host
            self.port = port
            self.from = from
            self.to = to
            self.username = username
            self.password = password
            self.caFile = caFile
        }
    }

    public var name: String
    public var destination: Destination
    public var language: AlertLanguage
    /// Most alerts the channel sends per throttle window; more are folded into digests.
    public var limit: Int
    /// Most alerts of one rule on one system the channel sends per throttle window.
    public var limitPerRule: Int

    public init(name: String, destination: Destination, language: AlertLanguage = .vi, limit: Int = 60, limitPerRule: Int = 5) {
        self.name = name
        self.destination = destination
        self.language = language
        self.limit = limit
        self.limitPerRule = limitPerRule
    }

    /// What `alerts list` and logs call the destination, without secrets.
    public var summary: String {
        switch destination {
        case .webhook(let webhook): "webhook \(webhook.url)"
        case .syslog(let syslog): "syslog \(syslog.tls ? "tls" : "tcp")://\(syslog.host):\(syslog.port)"
        case .email(let email): "email via \(email.host):\(email.port) to \(email.to.joined(separator: ", "))"
        }
    }
}
