public import CanhModel
import Engine
import Glibc
import HostInspection
public import Rules
import Systemd

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

    /// - Parameter host: the name findings carry, unless the tree under another root names itself
    ///   in its `/etc/hostname` (an image or a copied server is not this machine).
    public func run(pack: RulePack, level: Level, host: String) throws -> [FindingRecord] {
        let hostRoot = HostRoot(path: root)
        let host = root == "/" ? host : HostInspector.hostName(hostRoot) ?? host
        let engine = try PostureEngine(pack: pack, level: level, host: host)
        var observation = HostInspector.observe(hostRoot, host: host)
        let journalDirectory = (root == "/" ? "" : root) + "/var/log/journal"
        observation.journalRetention = JournalRetentionReader.read(directory: journalDirectory).map { extent in
            JournalRetention(
                oldestEntry: extent.oldestEntryMicroseconds.map(Timestamp.init(microsecondsSinceEpoch:)),
                newestEntry: extent.newestEntryMicroseconds.map(Timestamp.init(microsecondsSinceEpoch:)), bytes: extent.bytes,
                files: extent.files, olderEntriesRemoved: extent.olderEntriesRemoved)
        }
        var fileSystem = statvfs()
        if statvfs(journalDirectory, &fileSystem) == 0 {
            observation.journalFileSystemBytes = Int64(fileSystem.f_blocks) * Int64(fileSystem.f_frsize)
        }
        return engine.evaluate(PostureObservations(host: observation), at: checkTime)
    }
}
