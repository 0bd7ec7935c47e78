import CanhModel
import Engine
import Foundation
import Glibc
import RulePackDistribution
import Rules

/// The rule packs the collector assigned, kept in `STATE_DIR/rule-packs/`: `VERSION.tar` and
/// `VERSION.tar.minisig` as received, `VERSION/` unpacked from them, and `active` naming the one
/// in use. Nothing there is trusted for being on disk: the archive is verified against the
/// pinned keys again whenever it is unpacked (at start and on SIGHUP), so a file changed in the
/// state directory is noticed rather than loaded.
struct ReceivedRulePacks: Sendable {
    /// A pack the agent would not load, and why: shown by `rules status` and as a finding.
    struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        var version: String
        var sha256: String
        var reason: String

        var description: String { "\(version): \(reason)" }
    }

    /// A pack that passed every check, unpacked and loaded.
    struct Accepted: Sendable {
        var pack: RulePack
        var sha256: String
    }

    let directory: String
    let pinned: [MinisignPublicKey]

    init(stateDirectory: String, pinned: [MinisignPublicKey]) {
        directory = stateDirectory + "/rule-packs"
        self.pinned = pinned
    }

    /// Checks a pack the collector sent and, when it passes, makes it the active one: signed by a
    /// pinned key, the bytes announced, every file as its manifest says, newer than `running`,
    /// loadable by this agent, and passing `rules check` here (schema, compilation, embedded
    /// tests), as a reload would.
    func accept(
        archive: [UInt8], signature: String, announced: APIMessages.AssignedRulePack, running: (version: String, sha256: String?)
    ) throws(Refusal) -> Accepted {
        func refuse(_ reason: String) -> Refusal { Refusal(version: announced.version, sha256: announced.sha256, reason: reason) }
        guard !pinned.isEmpty else {
            throw refuse("no rule_keys are pinned in agent.toml, so no pack from the collector is trusted; the local pack stays")
        }
        guard StableDigest.hex(sha256: archive) == announced.sha256 else {
            throw refuse("the archive downloaded is not the one the collector announced (SHA-256 differs)")
        }
        let pack: SignedRulePack
        do throws(PackError) {
            pack = try SignedRulePack(archive: archive, signature: signature)
            try pack.verify(against: pinned, running: running, agentVersion: AgentVersion.current)
        } catch {
            throw refuse(error.description)
        }
        guard pack.version == announced.version else {
            throw refuse("the archive holds version \(pack.version), not the \(announced.version) assigned")
        }
        let staging = directory + "/.\(pack.version).new"
        do throws(PackError) {
            try makeDirectory()
            removeTree(staging)
            try PackDirectory.write(pack.files, to: staging)
        } catch {
            throw refuse(error.description)
        }
        let check = RulePackCheck(directory: staging)
        guard check.passed else {
            removeTree(staging)
            let first = check.failures.first.map { $0.replacingOccurrences(of: staging + "/", with: "") } ?? ""
            throw refuse("fails rules check on this agent (\(check.summary)); first: \(first)")
        }
        let final = directory + "/" + pack.version
        do throws(PackError) {
            removeTree(final)
            guard rename(staging, final) == 0 else { throw .fileSystem("cannot rename \(staging): \(String(cString: strerror(errno)))") }
            try writeFile(pack.archive, to: final + ".tar")
            try writeFile(Array(pack.signature.fileText.utf8), to: final + ".tar.minisig")
            try writeFile(Array((pack.version + "\n").utf8), to: directory + "/active")
        } catch {
            throw refuse(error.description)
        }
        removeAllBut(pack.version)
        do throws(AgentDaemonError) {
            return Accepted(pack: try CheckedRulePack.load(directory: final), sha256: pack.sha256)
        } catch {
            throw refuse(error.description)
        }
    }

    /// The active pack as it was received, verified again and unpacked afresh; nil when there is
    /// none. Throws why it cannot be used (then the local pack runs, and the agent says so).
    func active() throws(Refusal) -> Accepted? {
        guard let text = try? String(contentsOfFile: directory + "/active", encoding: .utf8) else { return nil }
        let version = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = directory + "/" + version
        func refuse(_ reason: String) -> Refusal { Refusal(version: version, sha256: "", reason: reason) }
        guard PackVersion.isValid(version) else { throw refuse("\(directory)/active does not name a version") }
        guard let archive = FileManager.default.contents(atPath: base + ".tar"),
            let signature = try? String(contentsOfFile: base + ".tar.minisig", encoding: .utf8)
        else { throw refuse("\(base).tar or its .minisig is missing") }
        let pack: SignedRulePack
        do throws(PackError) {
            pack = try SignedRulePack(archive: Array(archive), signature: signature)
            try pack.verify(against: pinned, running: nil, agentVersion: AgentVersion.current)
            removeTree(base)
            try PackDirectory.write(pack.files, to: base)
        } catch {
            throw refuse("the stored pack no longer verifies: \(error.description)")
        }
        do throws(AgentDaemonError) {
            return Accepted(pack: try CheckedRulePack.load(directory: base), sha256: pack.sha256)
        } catch {
            throw refuse(error.description)
        }
    }

    /// What to run at start and on SIGHUP: the active pack from the collector, unless the local
    /// pack is newer (a package upgrade brought it) or the active one no longer verifies.
    func choose(local: RulePack) -> (pack: RulePack, sha256: String?, refusal: Refusal?) {
        do throws(Refusal) {
            guard let active = try active(), !(PackVersion(active.pack.version) < PackVersion(local.version)) else {
                return (local, nil, nil)
            }
            return (active.pack, active.sha256, nil)
        } catch {
            return (local, nil, error)
        }
    }

    private func makeDirectory() throws(PackError) {
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw .fileSystem("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
    }

    private func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Older packs are not kept: a pack is never replaced by an older one.
    private func removeAllBut(_ version: String) {
        let keep: Set<String> = ["active", version, version + ".tar", version + ".tar.minisig"]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !keep.contains(name) {
            removeTree(directory + "/" + name)
        }
    }

    private func writeFile(_ bytes: [UInt8], to path: String) throws(PackError) {
        do throws(OutputFile.Failure) {
            try OutputFile.write(bytes, to: path, mode: 0o600)
        } catch {
            throw .fileSystem(error.description)
        }
    }
}
