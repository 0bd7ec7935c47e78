import AgentSpool
import CanhModel
import CollectorClient
import Foundation

/// `canh-agent status` (SPEC §3): where the journal follower is, what waits in the spool, when the
/// collector last took records and whether it can be reached now, and the rule pack in use. Read
/// from the state directory, so it works beside the running daemon (the spool is in WAL mode).
public struct AgentStatus: Sendable {
    public var lines: [(String, String)] = []
    /// False when the collector cannot be reached or the last delivery or reload failed.
    public var healthy = true

    /// Gathers the status; throws when the agent is not enrolled or its state cannot be read.
    public static func gather(configuration: AgentConfiguration) async throws -> AgentStatus {
        var status = AgentStatus()
        let stateDirectory = configuration.stateDirectory
        let identity = try IdentityStore(stateDirectory: stateDirectory).load()
        let spoolPath = stateDirectory + "/spool.sqlite"
        let spool: Spool
        guard FileManager.default.fileExists(atPath: spoolPath) else {
            throw AgentDaemonError.spool("\(spoolPath): no spool yet; has \"canh-agent run\" started on this host?")
        }
        do {
            spool = try Spool(path: spoolPath, capacityBytes: AgentDaemon.spoolCapacityBytes)
        } catch {
            throw AgentDaemonError.spool(error.description)
        }
        let facts = try spool.facts()
        func fact(_ name: String) -> String? { facts[name].flatMap { $0.isEmpty ? nil : $0 } }

        status.lines.append(("agent", "\(AgentVersion.current), agent \(identity.agentID), host \(identity.hostname ?? LocalHost.name)"))
        status.lines.append(("system", "\(identity.system) at level \(fact(StatusFacts.level) ?? "\(identity.level.rawValue)")"))
        status.lines.append(("rules", fact(StatusFacts.rulesVersion) ?? "unknown (the daemon has not run)"))
        if let refused = fact(StatusFacts.rulesRefused) {
            status.lines.append(("rules refused", refused))
            status.healthy = false
        }
        if let error = fact(StatusFacts.reloadError) {
            status.lines.append(("last reload", "refused: \(error)"))
            status.healthy = false
        }
        if let saved = try spool.checkpoint(reader: JournalCheckpoint.reader),
            let checkpoint = try? JSONDecoder().decode(JournalCheckpoint.self, from: Data(saved.state))
        {
            let time = Timestamp(microsecondsSinceEpoch: checkpoint.time).iso8601
            status.lines.append(("journal", "last entry read \(time), cursor \(checkpoint.cursor)"))
        } else {
            status.lines.append(("journal", "nothing read yet"))
        }
        let depth = try spool.depth()
        status.lines.append(("spool", "\(depth.records) record(s) waiting, \(depth.bytes) bytes of \(AgentDaemon.spoolCapacityBytes)"))
        status.lines.append(("last delivery", fact(StatusFacts.lastDelivery) ?? "never"))
        if let error = fact(StatusFacts.lastDeliveryError) {
            status.lines.append(("delivery error", error))
            status.healthy = false
        }
        status.lines.append(("last heartbeat", fact(StatusFacts.lastHeartbeat) ?? "never"))

        let url = configuration.collectorURL ?? identity.collector
        let files = Enrollment.Files(stateDirectory: stateDirectory)
        let started = ContinuousClock.now
        do {
            let client = try CollectorClient(
                CollectorConnection(
                    url: url, caFile: files.collectorCA, clientCertificateFile: files.certificate, clientKeyFile: files.key))
            defer { Task { await client.shutdown() } }
            try await client.checkHealth()
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
            status.lines.append(("collector", "\(url): reachable (answered in \(milliseconds) ms)"))
        } catch {
            status.lines.append(("collector", "\(url): unreachable: \(error)"))
            status.healthy = false
        }
        return status
    }

    /// `name  value` lines, the names aligned.
    public var text: String { TextTable(fields: lines).rendered }
}
