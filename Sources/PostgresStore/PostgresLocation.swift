public import CollectorStore
import Foundation

/// Where a PostgreSQL store is: `database = "postgres://USER@HOST:PORT/NAME?sslmode=…"` in
/// collector.toml. The password never sits in the address (collector.toml is readable by the
/// service's group and ends up in backups and tickets): it comes from a file or the environment.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS (a database on the same host or a private network only).
        case disable
        /// TLS when the server offers it, unverified (PostgreSQL's default; not recommended).
        case prefer
        /// TLS always, the server's certificate not verified.
        case require
        /// TLS always, the certificate verified against `sslrootcert` (or the system's roots) and
        /// its name against the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    public var password: String?
    public var tls: TLSMode
    /// PEM file of the CA that signed the server's certificate (`sslrootcert=`).
    public var rootCertificate: String?

    /// Whether a `database` setting names PostgreSQL rather than a SQLite file.
    public static func names(_ setting: String) -> Bool {
        setting.hasPrefix("postgres://") || setting.hasPrefix("postgresql://")
    }

    /// Reads an address; `password` comes from the caller (a file or the environment).
    public init(url: String, password: String?) throws(StoreError) {
        guard Self.names(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw .invalid("database \(Self.redacted(url)): expected postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]")
        }
        guard components.password == nil else {
            throw .invalid(
                "database: the address holds a password; put it in database_password_file (mode 0600) or CANH_DATABASE_PASSWORD")
        }
        guard let user = components.user, !user.isEmpty else { throw .invalid("database \(url): the user name is missing (USER@HOST)") }
        let name = String(components.path.drop { $0 == "/" })
        guard !name.isEmpty, !name.contains("/") else { throw .invalid("database \(url): the database name is missing (…/DATABASE)") }
        self.host = host
        port = components.port ?? 5432
        database = name
        username = user.removingPercentEncoding ?? user
        self.password = password
        tls = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw .invalid(
                        "database \(url): sslmode=\(item.value ?? "") is not one of "
                            + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            case "sslrootcert": rootCertificate = item.value
            default: throw .invalid("database \(url): unknown parameter \(item.name) (known: sslmode, sslrootcert)")
            }
        }
        if rootCertificate != nil, tls != .verifyFull {
            throw .invalid("database \(url): sslrootcert is only used with sslmode=verify-full")
        }
    }

    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    private static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "…"
        return components.string ?? "(unreadable address)"
    }
}
