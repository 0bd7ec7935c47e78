import AgentSpool
import CanhModel
import Logging
import Prometheus
import ServiceLifecycle

/// Runs one kind of state check (certificate files, TLS endpoints, host settings) at start and
/// then on its interval, spooling every outcome (pass included: compliance is shown, not only
/// violations).
struct PostureCheckService: Service {
    enum Kind: String, Sendable {
        case certificates, endpoints, host
    }

    let kind: Kind
    let runtime: AgentRuntime
    let spool: Spool
    let hostname: String
    let wake: WakeSignal
    let metrics: AgentMetrics
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let current = runtime.current
            guard let interval = Self.interval(of: kind, in: current.configuration) else { return try await gracefulShutdown() }
            let records = await Task.detached { [kind, hostname] in
                Result { try Self.check(kind, current, hostname: hostname) }
            }.value
            switch records {
            case .success(let records):
                do {
                    try spool.append(records)
                    metrics.recordsSpooled.increment(by: Int64(records.count))
                    wake.ring()
                    logger.info("\(kind.rawValue) checked", metadata: ["records": "\(records.count)"])
                } catch {
                    logger.error("cannot spool the \(kind.rawValue) check's records", metadata: ["error": "\(error)"])
                }
            case .failure(let error):
                logger.error("the \(kind.rawValue) check could not run", metadata: ["error": "\(error)"])
            }
            await Task.sleepUnlessShuttingDown(for: .seconds(interval))
        }
    }

    /// The check's interval, or nil when the configuration gives it nothing to check.
    static func interval(of kind: Kind, in configuration: AgentConfiguration) -> Int64? {
        switch kind {
        case .certificates:
            configuration.certificates.paths.isEmpty ? nil : configuration.certificates.intervalSeconds
        case .endpoints:
            configuration.endpoints.targets.isEmpty ? nil : configuration.endpoints.intervalSeconds
        case .host:
            configuration.host.root.isEmpty ? nil : configuration.host.intervalSeconds
        }
    }

    private static func check(_ kind: Kind, _ current: AgentRuntime.Snapshot, hostname: String) throws -> [FindingRecord] {
        let now = Timestamp.now()
        let configuration = current.configuration
        switch kind {
        case .certificates, .endpoints:
            let settings = CertificateScanSettings(
                certificatePaths: kind == .certificates ? configuration.certificates.paths : [],
                endpoints: kind == .endpoints ? configuration.endpoints.targets : [], trustAnchors: configuration.certificates.trust)
            return try CertificateScan(settings: settings, checkTime: now).run(pack: current.pack, level: current.level, host: hostname)
        case .host:
            return try HostScan(root: configuration.host.root, checkTime: now).run(pack: current.pack, level: current.level, host: hostname)
        }
    }
}
