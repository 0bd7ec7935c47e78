public import CanhModel
public import CollectorPKI
public import CollectorStore
import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import Prometheus
public import Rules

/// The routes of SPEC §6 over a store and the collector's CA.
public struct CollectorAPI: Sendable {
    let store: any CollectorStore
    let authority: CertificateAuthority
    /// The rule pack the agents run: its requirement catalogue and rules are what compliance is judged on.
    let rulePack: RulePack
    /// What to do about each rule's findings: the installed pack's guidance, overlaid by the
    /// newest published pack's.
    let guides: RuleGuideBook
    /// The clock, fixed in tests.
    let now: @Sendable () -> Timestamp
    /// Most records one batch may carry.
    let maximumBatch: Int
    let metrics: CollectorMetrics
    /// How often agents send heartbeats (SPEC §6: 60 s); three missed make a host stale.
    let heartbeatSeconds: Int64 = 60
    /// Recent report evaluations, rendered again in another format on request.
    let reports = ReportCache()
    /// How long people stay signed in to the web console.
    let consoleLimits: ConsoleSessionLimits
    /// Failed sign-ins to the console, by address.
    let signIns = SignInThrottle()

    public init(
        store: any CollectorStore, authority: CertificateAuthority, rulePack: RulePack, guides: RuleGuideBook? = nil,
        maximumBatch: Int = 10_000,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), consoleLimits: ConsoleSessionLimits = ConsoleSessionLimits(),
        now: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.consoleLimits = consoleLimits
        metrics = CollectorMetrics(registry: registry)
        self.store = store
        self.authority = authority
        self.rulePack = rulePack
        self.guides = guides ?? RuleGuideBook(rulePack.guidance)
        self.maximumBatch = maximumBatch
        self.now = now
    }

    public func router(logger: Logger = Logger(label: "canh-collector")) -> Router<CollectorContext> {
        let router = Router(context: CollectorContext.self)
        router.add(middleware: ErrorBodies(logger: logger))
        router.add(
            middleware: Authenticator(store: store, openPaths: ["/healthz", "/metrics", "/api/v1/enroll"], ownAuthentication: "/ui"))
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { [metrics] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.registry.emitToString())))
        }
        let api = router.group("api/v1")
        addInventoryRoutes(to: api)
        addEnrollmentRoutes(to: api)
        addFindingRoutes(to: api)
        addReportRoutes(to: api)
        addAlertRoutes(to: api)
        addRulePackRoutes(to: api)
        console(logger: logger).addRoutes(to: router)
        return router
    }

    func console(logger: Logger) -> Console {
        Console(api: self, templates: .shared, limits: consoleLimits, throttle: signIns, logger: logger)
    }

    func audit(_ caller: Caller?, _ action: String, _ target: String, _ detail: String? = nil) async throws {
        try await stored { () async throws(StoreError) in
            try await store.recordAudit(
                AuditEntry(at: now(), actor: caller?.actor ?? "anonymous", action: action, target: target, detail: detail))
        }
    }
}
