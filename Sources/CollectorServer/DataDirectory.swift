import CanhModel
import CollectorPKI
public import CollectorStore
public import Foundation

/// What `canh-collector init` makes in a data directory: the store, the CA (`ca.pem`, which
/// agents and clients pin, and `ca.key`), the server certificate and the first admin token.
public enum DataDirectory {
    public enum Failure: Error, CustomStringConvertible {
        case alreadyInitialised(String)
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .alreadyInitialised(let directory): "\(directory) is already initialised (ca.pem exists); nothing was changed"
            case .cannotWrite(let why): why
            }
        }
    }

    /// - Parameter store: the store to add the first admin to; nil: a new SQLite store in the
    ///   directory.
    /// - Returns: the admin API token, which is also written to `admin.token` (mode 0600).
    public static func initialise(_ directory: String, hostnames: [String], store: (any CollectorStore)? = nil, now: Date = Date())
        async throws -> String
    {
        let files = CollectorServer.Files(dataDirectory: directory)
        let manager = FileManager.default
        guard !manager.fileExists(atPath: files.caCertificate) else { throw Failure.alreadyInitialised(directory) }
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.cannotWrite("cannot create \(directory): \(error.localizedDescription)")
        }
        let authority = try CertificateAuthority.create(commonName: "Canh collector CA", now: now)
        let server = try authority.issueServerCertificate(names: hostnames, now: now)
        try write(authority.certificatePEM, to: files.caCertificate, mode: 0o644)
        try write(authority.keyPEM, to: files.caKey, mode: 0o600)
        try write(server.certificatePEM, to: files.serverCertificate, mode: 0o644)
        try write(server.keyPEM, to: files.serverKey, mode: 0o600)
        let store = try store ?? SQLiteCollectorStore(path: files.database)
        let token = Secrets.newToken()
        try await store.addUser(User(name: "admin", role: .admin, createdAt: .now()), tokenHash: Secrets.hash(token))
        try await store.recordAudit(
            AuditEntry(
                at: .now(), actor: "cli:init", action: "collector.init", target: directory, detail: hostnames.joined(separator: ", ")))
        try write(token + "\n", to: files.adminToken, mode: 0o600)
        return token
    }

    private static func write(_ text: String, to path: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw Failure.cannotWrite("cannot write \(path)")
        }
    }
}
