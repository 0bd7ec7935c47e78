import CanhModel
import Foundation

/// The enrollment identity in the state directory (`enrollment.json`), read at start and
/// rewritten when the collector reports another level, so that a restart while the collector is
/// unreachable uses the level last heard.
struct IdentityStore: Sendable {
    let path: String

    init(stateDirectory: String) { path = Enrollment.Files(stateDirectory: stateDirectory).identity }

    func load() throws -> Enrollment.Identity {
        guard let data = FileManager.default.contents(atPath: path) else { throw AgentDaemonError.notEnrolled(path) }
        do {
            return try JSONDecoder().decode(Enrollment.Identity.self, from: data)
        } catch {
            throw AgentDaemonError.unreadableState(path, "\(error)")
        }
    }

    func save(level: Level) {
        guard var identity = try? load() else { return }
        identity.level = level
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(identity) else { return }
        try? OutputFile.write(Array(data), to: path, mode: 0o600)
    }
}
