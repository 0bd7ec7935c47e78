/// Why a rule pack archive, its signature or a key was refused. Each message names what to
/// check; none carries key material.
public enum PackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The archive is not a pack archive: `where` is a byte offset or a file in it.
    case malformedArchive(String)
    case malformedManifest(String)
    /// A file's bytes do not match the manifest's SHA-256 or size, or a file is missing or extra.
    case manifestMismatch(path: String, reason: String)
    case malformedKey(file: String, reason: String)
    case malformedSignature(String)
    /// The signature names a key that is not pinned.
    case untrustedKey(keyID: String, pinned: [String])
    /// The signature does not match the archive (tampered, or signed over other bytes).
    case badSignature(keyID: String)
    /// The trusted comment, which the signature covers, names another pack or version.
    case commentMismatch(String)
    /// The pack is older than the one running, or the same version with other content.
    case downgrade(offered: String, running: String)
    /// The pack needs a newer agent.
    case agentTooOld(required: String, running: String)
    /// A pack directory or file that cannot be read or written.
    case fileSystem(String)

    public var description: String {
        switch self {
        case .malformedArchive(let reason): "not a rule pack archive: \(reason)"
        case .malformedManifest(let reason): "manifest.json: \(reason)"
        case .manifestMismatch(let path, let reason): "\(path): \(reason); the archive was changed after it was signed"
        case .malformedKey(let file, let reason): "\(file): \(reason)"
        case .malformedSignature(let reason): "signature: \(reason)"
        case .untrustedKey(let keyID, let pinned):
            "signed by key \(keyID), which is not pinned here (pinned: \(pinned.isEmpty ? "none" : pinned.joined(separator: ", "))); add its public key to rule_keys only if you trust its holder"
        case .badSignature(let keyID): "the signature by key \(keyID) does not match the archive: it was changed after signing"
        case .commentMismatch(let reason): "signed comment: \(reason)"
        case .downgrade(let offered, let running):
            "version \(offered) is not newer than the running \(running); a pack is never replaced by an older one (publish a new version to roll back)"
        case .agentTooOld(let required, let running): "needs canh-agent \(required) or newer; this is \(running)"
        case .fileSystem(let reason): reason
        }
    }
}
