import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `/metrics` (Prometheus text) and `/healthz` on a loopback address, plain HTTP: the numbers
/// say nothing secret, and nothing off the host can reach them.
struct MetricsService: Service {
    let host: String
    let port: Int
    let metrics: AgentMetrics
    let logger: Logger

    func run() async throws {
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.registry.emitToString())))
        }
        var quiet = logger
        quiet.logLevel = .warning
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            logger: quiet)
        try await application.run()
    }
}
