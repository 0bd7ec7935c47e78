public import CanhModel
public import CollectorStore
import Foundation
import RulePackDistribution
import Rules

/// What the collector shows about rules comes from the newest pack published to it, so that a
/// new rule's remediation reaches people with the pack (issue 25).
extension RuleGuideBook {
    /// Overlays the newest published pack's guidance (by version order), if one is published.
    public func learnNewestPublished(from store: any CollectorStore) async throws(StoreError) {
        let versions = try await store.rulePacks().map(\.version)
        guard let newest = versions.max(by: { PackVersion($0) < PackVersion($1) }),
            let files = try await store.rulePackFiles(version: newest),
            let pack = try? SignedRulePack(archive: files.archive, signature: files.signature)
        else { return }
        learn(from: pack)
    }

    /// Overlays a published pack's guidance when it is newer than the one held.
    func learn(from pack: SignedRulePack) {
        if let held = publishedVersion, !(PackVersion(held) < PackVersion(pack.version)) { return }
        let directory = FileManager.default.temporaryDirectory.path + "/canh-guidance-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard (try? PackDirectory.write(pack.files, to: directory)) != nil else { return }
        // The rules that load are enough: a publisher's pack passed `rules check` before it was signed.
        overlay(RulePack.load(directory: directory).pack.guidance, version: pack.version)
    }
}
