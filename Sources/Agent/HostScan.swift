public import CanhModel
import Engine
import Foundation
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
        if root == "/", geteuid() == 0, case .read(var firewalls) = observation.firewalls, let live = Self.liveRuleset() {
            // On the host itself, as root: the ruleset in force now is judged beside the files.
            switch live {
            case .success(let chains):
                firewalls.append(FirewallConfiguration(name: "nftables (live ruleset)", units: [], inputChains: chains, isLive: true))
                observation.firewalls = .read(firewalls)
            case .failure(let unreadable): observation.firewalls = .unreadable(unreadable.description)
            }
        }
        var fileSystem = statvfs()
        if statvfs(journalDirectory, &fileSystem) == 0 {
            observation.journalFileSystemBytes = Int64(fileSystem.f_blocks) * Int64(fileSystem.f_frsize)
        }
        return engine.evaluate(PostureObservations(host: observation), at: checkTime)
    }

    /// `nft -j list ruleset`, when nft is installed; nil without it.
    private static func liveRuleset() -> Result<[FirewallConfiguration.InputChain], HostRoot.UnreadableFile>? {
        guard let nft = ["/usr/sbin/nft", "/sbin/nft"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nft)
        process.arguments = ["-j", "list", "ruleset"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(HostRoot.UnreadableFile(description: "\(nft) -j list ruleset could not start: \(error.localizedDescription)"))
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(HostRoot.UnreadableFile(description: "\(nft) -j list ruleset failed (exit \(process.terminationStatus))"))
        }
        return NftablesRulesetParser.inputChains(json: [UInt8](data))
    }
}
