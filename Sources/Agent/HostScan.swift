public import CanhModel
import Engine
import HostInspection
public import Rules

/// Reads the host's configuration under a root and evaluates the host rules: the `--host-root`
/// part of `canh-agent scan`.
public struct HostScan: Sendable {
    private let root: String
    private let checkTime: Timestamp

    /// - Parameter root: where the host's file system is (`/` on the host itself).
    public init(root: String, checkTime: Timestamp) {
        self.root = root
        self.checkTime = checkTime
    }

    public func run(pack: RulePack, level: Level, host: String) throws -> [FindingRecord] {
        let engine = try PostureEngine(pack: pack, level: level, host: host)
        let observation = HostInspector.observe(HostRoot(path: root), host: host)
        return engine.evaluate(PostureObservations(host: observation), at: checkTime)
    }
}
