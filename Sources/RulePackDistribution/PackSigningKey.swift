import Crypto
import Foundation

/// The secret key `rules publish` signs with. Its file is Canh's own (minisign's secret keys
/// are encrypted with scrypt and checked with BLAKE2b, which Swift Crypto lacks):
///
///     untrusted comment: canh rule pack secret key <KEY ID>
///     <base64 of "Ed", the 8-byte key id and the 32-byte Ed25519 seed>
///
/// written mode 0600; the public half goes beside it as `<file>.pub` in minisign's format.
public struct PackSigningKey: Sendable {
    public let keyID: [UInt8]
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new key with a random id.
    public init() {
        var generator = SystemRandomNumberGenerator()
        keyID = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        privateKey = Curve25519.Signing.PrivateKey()
    }

    public init(parsing text: String, source: String) throws(PackError) {
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard lines.count == 2, lines[0].hasPrefix("untrusted comment:"),
            let bytes = Data(base64Encoded: String(lines[1])).map(Array.init), bytes.count == 42,
            bytes.starts(with: Minisign.algorithm)
        else {
            throw .malformedKey(file: source, reason: "not a Canh rule pack secret key (written by canh-collector rules keygen)")
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes[10...]) else {
            throw .malformedKey(file: source, reason: "not a valid Ed25519 key")
        }
        keyID = Array(bytes[2..<10])
        privateKey = key
    }

    public var publicKey: MinisignPublicKey { MinisignPublicKey(keyID: keyID, key: privateKey.publicKey) }

    public var fileText: String {
        "untrusted comment: canh rule pack secret key \(Minisign.displayID(keyID))\n"
            + Data(Minisign.algorithm + keyID + privateKey.rawRepresentation).base64EncodedString() + "\n"
    }
}
