import AgentSpool
import CanhModel
import CollectorClient
import Logging
import Prometheus
import Rules
import ServiceLifecycle

/// Tells the collector the agent is alive, with its versions and spool depth (SPEC §6), and
/// adopts the level of the host's system from the reply: the level selects the rule parameters.
struct HeartbeatService: Service {
    let client: CollectorClient
    let spool: Spool
    let runtime: AgentRuntime
    let interval: Duration
    let identity: IdentityStore
    let rulePacks: RulePackUpdater
    let metrics: AgentMetrics
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // A pack switched or refused is told to the collector at once.
            if await beat() { _ = await beat() }
            await Task.sleepUnlessShuttingDown(for: interval)
        }
    }

    /// - Returns: whether the reply made the agent switch or refuse a rule pack.
    private func beat() async -> Bool {
        let current = runtime.current
        let depth = (try? spool.depth().records) ?? 0
        do {
            let reply: APIMessages.HeartbeatReply = try await client.post(
                "/api/v1/heartbeat",
                body: APIMessages.Heartbeat(
                    agentVersion: AgentVersion.current, rulesVersion: current.pack.version, spoolDepth: depth,
                    rulesFailure: rulePacks.failure))
            try? spool.setFact(StatusFacts.lastHeartbeat, Timestamp.now().iso8601)
            try? spool.setFact(StatusFacts.lastHeartbeatError, "")
            if runtime.adopt(level: reply.level) {
                logger.notice(
                    "the collector says this host's system is at another level; rules now use its parameters",
                    metadata: ["system": "\(reply.system)", "level": "\(reply.level.rawValue)"])
                identity.save(level: reply.level)
                try? spool.setFact(StatusFacts.level, "\(reply.level.rawValue)")
            }
            return await rulePacks.follow(reply.rulePack)
        } catch {
            logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            metrics.heartbeatFailures.increment()
            try? spool.setFact(StatusFacts.lastHeartbeatError, "\(Timestamp.now().iso8601) \(error)")
            return false
        }
    }
}
