import AgentSpool
import CanhModel
import CollectorClient
import Logging
import RulePackDistribution
import Rules
import Synchronization

/// Moves the agent to the rule pack its system is assigned (issue 25), when a heartbeat reply
/// names one it does not run: downloads it, has `ReceivedRulePacks` check it, and either runs
/// it or keeps the running pack and reports the refusal — in the log, in the next heartbeat
/// (`rules status` on the collector) and as an `agent.rulepack.refused` finding.
final class RulePackUpdater: Sendable {
    static let rule = BuiltInRule.rulePackRefused.id

    private let client: CollectorClient
    private let runtime: AgentRuntime
    private let spool: Spool
    private let hostname: String
    private let stateDirectory: String
    private let wake: WakeSignal
    private let logger: Logger
    /// The assigned pack refused last; it is not downloaded again until the assignment changes.
    private let refusal = Mutex<ReceivedRulePacks.Refusal?>(nil)

    init(
        client: CollectorClient, runtime: AgentRuntime, spool: Spool, hostname: String, stateDirectory: String, wake: WakeSignal,
        startupRefusal: ReceivedRulePacks.Refusal?, logger: Logger
    ) {
        self.client = client
        self.runtime = runtime
        self.spool = spool
        self.hostname = hostname
        self.stateDirectory = stateDirectory
        self.wake = wake
        self.logger = logger
        refusal.withLock { $0 = startupRefusal }
    }

    /// Why the agent does not run the pack it was assigned, or nil.
    var failure: String? { refusal.withLock { $0?.description } }

    /// Acts on the assignment of a heartbeat reply.
    /// - Returns: whether the agent switched packs or newly refused one (worth telling the
    ///   collector at once).
    func follow(_ assigned: APIMessages.AssignedRulePack?) async -> Bool {
        let current = runtime.current
        guard let assigned, current.packSHA256 != assigned.sha256 else {
            // Nothing assigned, or it runs what is: nothing to refuse any more.
            return refusal.withLock { refusal in
                defer { refusal = nil }
                return refusal != nil && assigned != nil
            }
        }
        if refusal.withLock({ $0?.sha256 == assigned.sha256 && $0?.version == assigned.version }) { return false }
        let received = ReceivedRulePacks(stateDirectory: stateDirectory, pinned: current.configuration.ruleKeys)
        do throws(ReceivedRulePacks.Refusal) {
            guard PackVersion.isValid(assigned.version) else {
                throw ReceivedRulePacks.Refusal(
                    version: assigned.version.escapingControlCharacters, sha256: assigned.sha256, reason: "not a version")
            }
            let archive: [UInt8]
            let signature: [UInt8]
            do {
                archive = try await client.download("/api/v1/rule-packs/\(assigned.version)/archive")
                signature = try await client.download("/api/v1/rule-packs/\(assigned.version)/signature")
            } catch {
                // The collector may be busy: the next heartbeat tries again.
                logger.warning("cannot download the assigned rule pack", metadata: ["version": "\(assigned.version)", "error": "\(error)"])
                return false
            }
            let accepted = try received.accept(
                archive: archive, signature: String(decoding: signature, as: UTF8.self), announced: assigned,
                running: (current.pack.version, current.packSHA256))
            runtime.adopt(pack: accepted.pack, sha256: accepted.sha256)
            refusal.withLock { $0 = nil }
            try? spool.setFact(StatusFacts.rulesVersion, accepted.pack.version)
            try? spool.setFact(StatusFacts.rulesRefused, "")
            logger.notice(
                "now running the rule pack the collector assigned",
                metadata: ["version": "\(accepted.pack.version)", "previous": "\(current.pack.version)", "sha256": "\(accepted.sha256)"])
            report(outcome: .pass, version: accepted.pack.version, sha256: accepted.sha256, reason: nil)
        } catch {
            refusal.withLock { $0 = error }
            try? spool.setFact(StatusFacts.rulesRefused, "\(Timestamp.now().iso8601) \(error)")
            logger.error(
                "rule pack refused; the running pack stays",
                metadata: ["version": "\(error.version)", "reason": "\(error.reason)", "running": "\(current.pack.version)"])
            report(outcome: .fail, version: error.version, sha256: error.sha256, reason: error.reason)
        }
        return true
    }

    /// One finding per host: failing while the assigned pack is refused, passing once a pack
    /// from the collector runs.
    private func report(outcome: Outcome, version: String, sha256: String, reason: String?) {
        let current = runtime.current
        let entity = "rule-pack"
        let fingerprint = FindingRecord.fingerprint(host: hostname, rule: Self.rule, entity: entity)
        let now = Timestamp.now()
        var evidence = Evidence([("version", .text(version)), ("sha256", .text(sha256)), ("running", .text(current.pack.version))])
        if let reason { evidence["reason"] = .text(reason) }
        let record = FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: "\(version) \(sha256) \(now.microsecondsSinceEpoch)"),
            fingerprint: fingerprint, rule: Self.rule, outcome: outcome, severity: .high, level: current.level, requirements: [],
            host: hostname, entity: entity, time: now, firstSeen: nil, count: 1,
            title: BuiltInRule.rulePackRefused.title, evidence: evidence)
        do {
            _ = try spool.append([record])
            wake.ring()
        } catch {
            logger.error("cannot spool the rule pack finding", metadata: ["error": "\(error)"])
        }
    }
}
