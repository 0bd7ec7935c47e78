import CanhModel
import Rules
import Synchronization

/// What the running agent evaluates with right now: the rule pack and the level. SIGHUP replaces
/// the pack, a heartbeat reply may change the level; each change bumps `generation`, which the
/// journal follower and the checks watch.
final class AgentRuntime: Sendable {
    struct Snapshot: Sendable {
        var pack: RulePack
        /// SHA-256 of the archive of a pack received from the collector; nil for a local pack.
        var packSHA256: String?
        var level: Level
        var configuration: AgentConfiguration
        var generation: Int
    }

    private let state: Mutex<Snapshot>

    init(pack: RulePack, packSHA256: String?, level: Level, configuration: AgentConfiguration) {
        state = Mutex(Snapshot(pack: pack, packSHA256: packSHA256, level: level, configuration: configuration, generation: 0))
    }

    var current: Snapshot { state.withLock { $0 } }

    /// Replaces the pack and configuration (a reload).
    func replace(pack: RulePack, packSHA256: String?, configuration: AgentConfiguration) {
        state.withLock { snapshot in
            snapshot.pack = pack
            snapshot.packSHA256 = packSHA256
            snapshot.configuration = configuration
            snapshot.generation += 1
        }
    }

    /// Runs a pack received from the collector.
    func adopt(pack: RulePack, sha256: String) {
        state.withLock { snapshot in
            snapshot.pack = pack
            snapshot.packSHA256 = sha256
            snapshot.generation += 1
        }
    }

    /// Adopts the level the collector says; returns whether it changed.
    func adopt(level: Level) -> Bool {
        state.withLock { snapshot in
            guard snapshot.level != level else { return false }
            snapshot.level = level
            snapshot.generation += 1
            return true
        }
    }
}
