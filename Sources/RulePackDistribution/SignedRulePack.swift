public import CanhModel
import Foundation

/// A rule pack as it travels from `rules publish` through the collector to agents: the archive
/// (manifest first, then the pack's files) and its minisign signature.
public struct SignedRulePack: Sendable {
    public let manifest: PackManifest
    public let archive: [UInt8]
    public let signature: MinisignSignature
    /// The pack's files (not the manifest), each checked against the manifest.
    public let files: [PackArchive.Entry]

    public var name: String { manifest.name }
    public var version: String { manifest.version }
    /// SHA-256 of the archive, hex: what the collector names the pack's bytes by.
    public var sha256: String { StableDigest.hex(sha256: archive) }
    /// The file name the archive is published under; the signature is this plus `.minisig`.
    public var archiveName: String { "\(name)-\(version).tar" }

    /// The first canh-agent that loads packs from the collector: the oldest a pack may ask for.
    public static let firstAgentVersion = "0.1.0"

    /// Makes and signs the archive of `files` (paths relative to the pack's directory).
    public static func build(
        files: [PackArchive.Entry], name: String, version: String, minimumAgentVersion: String, key: PackSigningKey, at time: Timestamp
    ) throws(PackError) -> SignedRulePack {
        guard PackPath.isValid(name) else { throw .malformedManifest("name \"\(name)\" is not a pack name (letters, digits, . - _)") }
        guard PackVersion.isValid(version) else { throw .malformedManifest("version \"\(version)\" is not a version (like 2026.12.0)") }
        guard PackVersion.isValid(minimumAgentVersion) else {
            throw .malformedManifest("minimum agent version \"\(minimumAgentVersion)\" is not a version")
        }
        let files = files.filter { $0.path != PackManifest.fileName }.sorted { $0.path < $1.path }
        let manifest = PackManifest(name: name, version: version, minimumAgentVersion: minimumAgentVersion, entries: files)
        let archive = try PackArchive.make([PackArchive.Entry(path: PackManifest.fileName, bytes: manifest.bytes)] + files)
        let comment = "timestamp:\(time.microsecondsSinceEpoch / 1_000_000)\tfile:\(name)-\(version).tar\tpack:\(name)\tversion:\(version)"
        let signature = try MinisignSignature(
            signing: archive, with: key, trustedComment: comment, untrustedComment: "signature from canh rule pack key \(key.publicKey.id)")
        return SignedRulePack(manifest: manifest, archive: archive, signature: signature, files: files)
    }

    /// Reads an archive and its signature and checks that they agree with each other: the
    /// manifest lists exactly the files there are, with their hashes, and the signed comment
    /// names the manifest's pack and version. The signature itself is checked by `verify`.
    public init(archive: [UInt8], signature: String) throws(PackError) {
        let signature = try MinisignSignature(parsing: signature)
        let entries = try PackArchive.entries(of: archive)
        guard let first = entries.first, first.path == PackManifest.fileName else {
            throw .malformedArchive("the first file must be \(PackManifest.fileName)")
        }
        let manifest = try PackManifest.parse(first.bytes)
        let files = Array(entries.dropFirst())
        let listed = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        guard listed.count == manifest.files.count else { throw .malformedManifest("a file is listed twice") }
        for file in files {
            guard let expected = listed[file.path] else { throw .manifestMismatch(path: file.path, reason: "is not in the manifest") }
            guard expected.size == file.bytes.count, expected.sha256 == StableDigest.hex(sha256: file.bytes) else {
                throw .manifestMismatch(path: file.path, reason: "its SHA-256 is not the manifest's")
            }
        }
        let present = Set(files.map(\.path))
        if let missing = manifest.files.first(where: { !present.contains($0.path) }) {
            throw .manifestMismatch(path: missing.path, reason: "is in the manifest but not in the archive")
        }
        let fields = Self.fields(of: signature.trustedComment)
        guard fields["pack"] == manifest.name, fields["version"] == manifest.version else {
            throw .commentMismatch(
                "names pack \(fields["pack"] ?? "none") version \(fields["version"] ?? "none"), the manifest \(manifest.name) \(manifest.version)"
            )
        }
        self.init(manifest: manifest, archive: archive, signature: signature, files: files)
    }

    private init(manifest: PackManifest, archive: [UInt8], signature: MinisignSignature, files: [PackArchive.Entry]) {
        self.manifest = manifest
        self.archive = archive
        self.signature = signature
        self.files = files
    }

    /// What an agent checks before loading the pack: signed by a pinned key, newer than the
    /// running pack (or the same bytes again), and loadable by this agent.
    /// - Returns: the key that signed it.
    @discardableResult
    public func verify(
        against pinned: [MinisignPublicKey], running: (version: String, sha256: String?)?, agentVersion: String
    ) throws(PackError) -> MinisignPublicKey {
        let key = try signature.verify(archive, against: pinned)
        if let running {
            let offered = PackVersion(version)
            let current = PackVersion(running.version)
            guard current < offered || (offered == current && running.sha256 == sha256) else {
                throw .downgrade(offered: version, running: running.version)
            }
        }
        guard !(PackVersion(agentVersion) < PackVersion(manifest.minimumAgentVersion)) else {
            throw .agentTooOld(required: manifest.minimumAgentVersion, running: agentVersion)
        }
        return key
    }

    /// `key:value` fields of a trusted comment, separated by tabs (minisign's own convention).
    private static func fields(of comment: String) -> [String: String] {
        var fields: [String: String] = [:]
        for field in comment.split(separator: "\t") {
            guard let colon = field.firstIndex(of: ":") else { continue }
            fields[String(field[..<colon])] = String(field[field.index(after: colon)...])
        }
        return fields
    }
}
