import CanhModel
import Foundation

/// `manifest.json`, the first file of a pack archive: what the pack is and the SHA-256 and size
/// of every other file, so that a file changed, added or left out after signing is refused by
/// name.
public struct PackManifest: Codable, Sendable, Hashable {
    public static let fileName = "manifest.json"
    public static let currentFormat = 1

    public struct File: Codable, Sendable, Hashable {
        public var path: String
        public var sha256: String
        public var size: Int
    }

    public var format: Int
    public var name: String
    public var version: String
    /// The oldest canh-agent that can load the pack.
    public var minimumAgentVersion: String
    public var files: [File]

    enum CodingKeys: String, CodingKey {
        case format, name, version, files
        case minimumAgentVersion = "minimum_agent_version"
    }

    init(name: String, version: String, minimumAgentVersion: String, entries: [PackArchive.Entry]) {
        format = Self.currentFormat
        self.name = name
        self.version = version
        self.minimumAgentVersion = minimumAgentVersion
        files = entries.map { File(path: $0.path, sha256: StableDigest.hex(sha256: $0.bytes), size: $0.bytes.count) }
    }

    var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    static func parse(_ bytes: [UInt8]) throws(PackError) -> PackManifest {
        let manifest: PackManifest
        do { manifest = try JSONDecoder().decode(PackManifest.self, from: Data(bytes)) } catch {
            throw .malformedManifest("not the manifest of a pack: \(error)")
        }
        guard manifest.format == currentFormat else {
            throw .malformedManifest("format \(manifest.format); this program reads format \(currentFormat): upgrade canh-agent")
        }
        guard PackVersion.isValid(manifest.version) else { throw .malformedManifest("version \"\(manifest.version)\" is not a version") }
        guard PackVersion.isValid(manifest.minimumAgentVersion) else {
            throw .malformedManifest("minimum_agent_version \"\(manifest.minimumAgentVersion)\" is not a version")
        }
        guard PackPath.isValid(manifest.name) else { throw .malformedManifest("name \"\(manifest.name)\" is not a pack name") }
        return manifest
    }
}
