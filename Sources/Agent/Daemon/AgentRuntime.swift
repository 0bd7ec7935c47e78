import CanhModel
import Rules
import Synchronization

/// What the running agent evaluates with right now: the rule pack and the level. SIGHUP replaces
/// the pack, a heartbeat reply may change the level; each change bumps `generation`, which the
/// journal follower and the checks watch.
final class AgentRuntime: Sendable {
    struct Snapshot: Sendable {
        var pack: RulePack
        var level: Level
        var configuration: AgentConfiguration
        var generation: Int
    }

    private let state: Mutex<Snapshot>

    init(pack: RulePack, level: Level, configuration: AgentConfiguration) {
        state = Mutex(Snapshot(pack: pack, level: level, configuration: configuration, generation: 0))
    }

    var current: Snapshot { state.withLock { $0 } }

    /// Replaces the pack and configuration (a reload).
    func replace(pack: RulePack, configuration: AgentConfiguration) {
        state.withLock { snapshot in
            snapshot.pack = pack
            snapshot.configuration = configuration
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
