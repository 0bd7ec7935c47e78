import AsyncHTTPClient
public import CanhModel
import Foundation
public import NIOCore
public import NIOHTTP1
import NIOSSL

/// Where the collector is and how to prove who we are: the collector's CA to pin, and either a
/// user's API token or an agent's client certificate.
public struct CollectorConnection: Sendable {
    /// `https://HOST:PORT`.
    public var url: String
    /// The collector's CA certificate (PEM file); nil trusts the system store.
    public var caFile: String?
    public var token: String?
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

    public init(url: String, caFile: String?, token: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.caFile = caFile
        self.token = token
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }
}

/// Why a call to the collector failed, worded for the person running the command.
public enum CollectorClientError: Error, Sendable, CustomStringConvertible {
    /// The collector answered with an error status and message.
    case refused(status: Int, message: String)
    /// No answer: connection refused, TLS failure, timeout.
    case unreachable(String)
    /// The connection settings are unusable (a CA file that cannot be read…).
    case configuration(String)
    /// The answer could not be understood.
    case badResponse(String)

    public var description: String {
        switch self {
        case .refused(let status, let message): "the collector refused (HTTP \(status)): \(message)"
        case .unreachable(let why): "cannot reach the collector: \(why)"
        case .configuration(let why): why
        case .badResponse(let why): "unexpected answer from the collector: \(why)"
        }
    }

    /// The HTTP status when the collector answered.
    public var status: Int? {
        if case .refused(let status, _) = self { return status }
        return nil
    }
}

/// The one HTTP client of the collector's API (HTTPS only, TLS 1.2+).
public final class CollectorClient: Sendable {
    private let clients: VerifiedClients
    private let connection: CollectorConnection
    private let timeout: TimeAmount

    public init(_ connection: CollectorConnection, timeout: TimeAmount = .seconds(30)) throws(CollectorClientError) {
        guard connection.url.hasPrefix("https://") else {
            throw .configuration("the collector URL must start with https:// (got \(connection.url))")
        }
        guard let components = URLComponents(string: connection.url), let host = components.host, !host.isEmpty else {
            throw .configuration("the collector URL \(connection.url) names no host")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            if let caFile = connection.caFile { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
        } catch {
            throw .configuration("the collector CA \(connection.caFile ?? ""): not a readable PEM certificate (\(error))")
        }
        if let certificateFile = connection.clientCertificateFile, let keyFile = connection.clientKeyFile {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw .configuration("the agent certificate \(certificateFile) or key \(keyFile) cannot be read (\(error))")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: timeout)
        // Idle connections are closed here before the collector closes them (its idle timeout,
        // 60 s by default), so a request is rarely sent on a connection being torn down.
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        clients = VerifiedClients(configuration: configuration, tls: tls, host: host, port: components.port ?? 443)
        self.connection = connection
        self.timeout = timeout
    }

    /// Closes the connections; call once done.
    public func shutdown() async {
        await clients.shutdown()
    }

    public func get<Answer: Decodable>(_ path: String, query: [(String, String?)] = [], as type: Answer.Type = Answer.self)
        async throws(CollectorClientError)
        -> Answer
    {
        try decode(Answer.self, from: try await call(.GET, path, query: query, body: nil))
    }

    public func post<Answer: Decodable>(_ path: String, body: some Encodable, as type: Answer.Type = Answer.self)
        async throws(CollectorClientError)
        -> Answer
    {
        try decode(Answer.self, from: try await call(.POST, path, body: try encode(body)))
    }

    public func put<Answer: Decodable>(_ path: String, body: some Encodable, as type: Answer.Type = Answer.self)
        async throws(CollectorClientError)
        -> Answer
    {
        try decode(Answer.self, from: try await call(.PUT, path, body: try encode(body)))
    }

    /// The body of a GET as it is: a report in HTML, CSV, JSON or PDF.
    public func download(_ path: String, query: [(String, String?)] = []) async throws(CollectorClientError) -> [UInt8] {
        try await call(.GET, path, query: query, body: nil)
    }

    public func delete(_ path: String) async throws(CollectorClientError) {
        _ = try await call(.DELETE, path, body: nil)
    }

    /// Delivers a batch of records (SPEC §5) as an enrolled agent; the collector stores all of
    /// them or none.
    public func deliver(_ records: [FindingRecord]) async throws(CollectorClientError) -> IngestSummary {
        try await deliver(batchBody: Self.batchBody(records))
    }

    /// Delivers a batch already encoded by `batchBody(_:)`: an agent re-sending from its spool
    /// sends the same bytes again without re-encoding them.
    public func deliver(batchBody body: [UInt8]) async throws(CollectorClientError) -> IngestSummary {
        try decode(IngestSummary.self, from: try await call(.POST, "/api/v1/records", body: body))
    }

    /// The body of `POST /api/v1/records` for these records.
    public static func batchBody(_ records: [FindingRecord]) -> [UInt8] {
        batchBody(encoded: records.map { Array($0.json.serialized.utf8) })
    }

    /// The body of `POST /api/v1/records` from records already encoded as SPEC §5 JSON (a spool
    /// keeps them so), without decoding them again.
    public static func batchBody(encoded records: [[UInt8]]) -> [UInt8] {
        var body = Array(#"{"records":["#.utf8)
        body.reserveCapacity(records.reduce(16) { $0 + $1.count + 1 })
        for (index, record) in records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += record
        }
        body += Array("]}".utf8)
        return body
    }

    /// Whether the collector answers its health check (`GET /healthz`); throws why not.
    public func checkHealth() async throws(CollectorClientError) {
        _ = try await call(.GET, "/healthz", body: nil)
    }

    /// Sends bytes as they are and returns the status and body, errors included: for tests of
    /// what the collector refuses.
    public func raw(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws(CollectorClientError) -> (status: Int, body: String)
    {
        let (status, bytes) = try await exchange(method, path, query: [], body: body, limit: 16 << 20)
        return (Int(status.code), String(buffer: bytes))
    }

    private func call(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], body: [UInt8]?)
        async throws(CollectorClientError)
        -> [UInt8]
    {
        let (status, bytes) = try await exchange(method, path, query: query, body: body, limit: 256 << 20)
        guard (200..<300).contains(status.code) else {
            throw .refused(status: Int(status.code), message: Self.message(in: Array(buffer: bytes)) ?? status.reasonPhrase)
        }
        return Array(buffer: bytes)
    }

    private func exchange(_ method: HTTPMethod, _ path: String, query: [(String, String?)], body: [UInt8]?, limit: Int)
        async throws(CollectorClientError)
        -> (HTTPResponseStatus, ByteBuffer)
    {
        let request = try makeRequest(method, path, query: query, body: body)
        let http = try await clients.client()
        do {
            let response = try await http.execute(request, timeout: timeout)
            return (response.status, try await response.body.collect(upTo: limit))
        } catch {
            // The collector may have moved: its name is resolved and verified again next time.
            await clients.connectionFailed(http)
            throw .unreachable("\(connection.url): \(error)")
        }
    }

    private func makeRequest(_ method: HTTPMethod, _ path: String, query: [(String, String?)], body: [UInt8]?) throws(CollectorClientError)
        -> HTTPClientRequest
    {
        var components = URLComponents(string: connection.url + path)
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty { components?.queryItems = items }
        guard let url = components?.string else { throw .configuration("cannot form a URL from \(connection.url) and \(path)") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token = connection.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    private func encode(_ value: some Encodable) throws(CollectorClientError) -> [UInt8] {
        do { return Array(try JSONEncoder().encode(value)) } catch { throw .configuration("cannot encode the request: \(error)") }
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, from bytes: [UInt8]) throws(CollectorClientError) -> Answer {
        do { return try JSONDecoder().decode(Answer.self, from: Data(bytes)) } catch { throw .badResponse("\(error)") }
    }

    /// Hummingbird's error body: `{"error":{"message":"…"}}`.
    static func message(in bytes: [UInt8]) -> String? {
        struct ErrorBody: Decodable {
            struct Detail: Decodable { var message: String }
            var error: Detail
        }
        return try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes)).error.message
    }
}

/// The HTTP client, made once the collector has proved its name (RFC 6125, `ServerIdentity`)
/// and pinned to the address that proved it; made again after a connection fails.
private actor VerifiedClients {
    private let configuration: HTTPClient.Configuration
    private let tls: TLSConfiguration
    /// The URL's host, a DNS name or an IP address.
    private let host: String
    private let port: Int
    /// The check under way or done, shared by concurrent first requests.
    private var verification: Task<String, any Error>?
    private var current: HTTPClient?
    /// Every client made, so that each is shut down; requests may still use a replaced one.
    private var made: [HTTPClient] = []
    private var closed = false

    init(configuration: HTTPClient.Configuration, tls: TLSConfiguration, host: String, port: Int) {
        self.configuration = configuration
        self.tls = tls
        self.host = host
        self.port = port
    }

    func client() async throws(CollectorClientError) -> HTTPClient {
        guard !closed else { throw .configuration("the client was shut down") }
        if let current { return current }
        let check: Task<String, any Error>
        if let verification {
            check = verification
        } else {
            let (tls, host, port) = (self.tls, self.host, self.port)
            check = Task { try await ServerIdentity.verifiedAddress(host: host, port: port, tls: tls) }
            verification = check
        }
        let address: String
        do {
            address = try await check.value
        } catch {
            if verification == check { verification = nil }
            throw error as? CollectorClientError ?? .unreachable("\(error)")
        }
        // Another request may have made the client while this one waited.
        if let current { return current }
        guard !closed else { throw .configuration("the client was shut down") }
        var configuration = self.configuration
        if ServerIdentity.canonicalAddress(host) == nil { configuration.dnsOverride = [host: address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        made.append(client)
        current = client
        return client
    }

    func connectionFailed(_ client: HTTPClient) {
        guard current === client else { return }
        current = nil
        verification = nil
    }

    func shutdown() async {
        closed = true
        current = nil
        let clients = made
        made = []
        for client in clients { try? await client.shutdown() }
    }

    /// A client released without `shutdown()` (an error thrown before it was reached) still
    /// closes its connections, in the background: AsyncHTTPClient stops a debug build otherwise.
    deinit {
        for client in made { client.shutdown { _ in } }
    }
}
