public import CanhModel
import CollectorPKI
public import CollectorStore
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
public import Prometheus
public import Rules

/// The HTTPS service: TLS 1.2+, the collector's server certificate, client certificates
/// optional (agents present one, people use tokens) but verified against the collector's CA.
public enum CollectorServer {
    public struct Files: Sendable {
        public var caCertificate: String
        public var caKey: String
        public var serverCertificate: String
        public var serverKey: String
        public var database: String
        public var adminToken: String

        /// The files `canh-collector init` writes into a data directory.
        public init(dataDirectory: String) {
            caCertificate = dataDirectory + "/ca.pem"
            caKey = dataDirectory + "/ca.key"
            serverCertificate = dataDirectory + "/server.pem"
            serverKey = dataDirectory + "/server.key"
            database = dataDirectory + "/canh.sqlite"
            adminToken = dataDirectory + "/admin.token"
        }
    }

    public static func application(
        store: any CollectorStore, files: Files, rulePack: RulePack, guides: RuleGuideBook? = nil, host: String, port: Int,
        logger: Logger, limits: ConnectionLimits = ConnectionLimits(), consoleLimits: ConsoleSessionLimits = ConsoleSessionLimits(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let authority = try CertificateAuthority(
            certificatePEM: try String(contentsOfFile: files.caCertificate, encoding: .utf8),
            keyPEM: try String(contentsOfFile: files.caKey, encoding: .utf8))
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(files.serverCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: files.serverKey, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)))
        let api = CollectorAPI(
            store: store, authority: authority, rulePack: rulePack, guides: guides, registry: registry, consoleLimits: consoleLimits,
            now: now)
        let counter = ConnectionCounter(limit: limits.connectionsPerAddress)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)], httpDecoderConfiguration: ConnectionLimits.decoder)
        let serverTLS = tls
        let server = HTTPServerBuilder { responder in
            GuardedChannel(
                base: try TLSChannel(HTTP1Channel(responder: responder, configuration: http), tlsConfiguration: serverTLS), counter: counter
            )
        }
        return Application(
            router: api.router(logger: logger), server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
