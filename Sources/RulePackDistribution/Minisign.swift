public import Crypto
import Foundation

/// An Ed25519 public key in minisign's format: `RW…` (base64 of "Ed", an 8-byte key id and the
/// 32-byte key), alone or in a `.pub` file under an `untrusted comment:` line.
public struct MinisignPublicKey: Sendable, Hashable {
    public let keyID: [UInt8]
    public let key: Curve25519.Signing.PublicKey

    public init(keyID: [UInt8], key: Curve25519.Signing.PublicKey) {
        self.keyID = keyID
        self.key = key
    }

    /// Parses the base64 line, or a whole `.pub` file's text; `source` names it in errors.
    public init(parsing text: String, source: String) throws(PackError) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let line = lines.first(where: { !$0.hasPrefix("untrusted comment:") }), lines.count <= 2 else {
            throw .malformedKey(file: source, reason: "expected a minisign public key (one base64 line starting RW)")
        }
        guard let bytes = Data(base64Encoded: line).map(Array.init), bytes.count == 42, bytes.starts(with: Minisign.algorithm) else {
            throw .malformedKey(file: source, reason: "not a minisign Ed25519 public key (42 bytes in base64, starting RW)")
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes[10...]) else {
            throw .malformedKey(file: source, reason: "not a valid Ed25519 public key")
        }
        self.init(keyID: Array(bytes[2..<10]), key: key)
    }

    /// The key id as minisign prints it: the 8 bytes as a little-endian number in hex (see
    /// `Minisign.displayID`).
    public var id: String { Minisign.displayID(keyID) }

    /// The base64 line (`minisign -P` takes it).
    public var base64: String { Data(Minisign.algorithm + keyID + key.rawRepresentation).base64EncodedString() }

    /// The `.pub` file `minisign -p` reads.
    public var fileText: String { "untrusted comment: minisign public key \(id)\n\(base64)\n" }

    public static func == (lhs: MinisignPublicKey, rhs: MinisignPublicKey) -> Bool {
        lhs.keyID == rhs.keyID && lhs.key.rawRepresentation == rhs.key.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keyID)
        hasher.combine(key.rawRepresentation)
    }
}

/// A detached signature in minisign's format (legacy, non-prehashed Ed25519: `minisign -V`
/// verifies it unless given `-H`): the signature of the file, and a trusted comment signed
/// together with that signature, which here names the pack and its version.
public struct MinisignSignature: Sendable, Hashable {
    public let keyID: [UInt8]
    public let signature: [UInt8]
    public let trustedComment: String
    public let globalSignature: [UInt8]
    public let untrustedComment: String

    public var keyIDText: String { Minisign.displayID(keyID) }

    /// Signs `message`.
    public init(signing message: [UInt8], with key: PackSigningKey, trustedComment: String, untrustedComment: String) throws(PackError) {
        guard !trustedComment.contains(where: \.isNewline), !untrustedComment.contains(where: \.isNewline) else {
            throw .malformedSignature("a comment cannot hold a line break")
        }
        do {
            let signature = Array(try key.privateKey.signature(for: message))
            let global = Array(try key.privateKey.signature(for: signature + Array(trustedComment.utf8)))
            self.init(
                keyID: key.keyID, signature: signature, trustedComment: trustedComment, globalSignature: global,
                untrustedComment: untrustedComment)
        } catch {
            throw .malformedSignature("signing failed: \(error)")
        }
    }

    init(keyID: [UInt8], signature: [UInt8], trustedComment: String, globalSignature: [UInt8], untrustedComment: String) {
        self.keyID = keyID
        self.signature = signature
        self.trustedComment = trustedComment
        self.globalSignature = globalSignature
        self.untrustedComment = untrustedComment
    }

    /// Parses a `.minisig` file's text.
    public init(parsing text: String) throws(PackError) {
        guard text.utf8.count <= 4096 else { throw .malformedSignature("over 4096 bytes; a minisign signature is four short lines") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.count >= 4, lines[0].hasPrefix("untrusted comment: "), lines[2].hasPrefix("trusted comment: "),
            lines.dropFirst(4).allSatisfy(\.isEmpty)
        else {
            throw .malformedSignature(
                "expected four lines: untrusted comment, signature, trusted comment, comment signature (minisign's format)")
        }
        guard let signatureLine = Data(base64Encoded: String(lines[1])).map(Array.init), signatureLine.count == 74 else {
            throw .malformedSignature("line 2 is not a base64 signature of 74 bytes")
        }
        guard signatureLine.starts(with: Minisign.algorithm) else {
            throw .malformedSignature(
                signatureLine.starts(with: Array("ED".utf8))
                    ? "prehashed (ED) signatures are not accepted; sign with canh-collector rules publish, or minisign -S -l"
                    : "unknown signature algorithm")
        }
        guard let global = Data(base64Encoded: String(lines[3])).map(Array.init), global.count == 64 else {
            throw .malformedSignature("line 4 is not a base64 comment signature of 64 bytes")
        }
        self.init(
            keyID: Array(signatureLine[2..<10]), signature: Array(signatureLine[10...]),
            trustedComment: String(lines[2].dropFirst("trusted comment: ".count)), globalSignature: global,
            untrustedComment: String(lines[0].dropFirst("untrusted comment: ".count)))
    }

    public var fileText: String {
        """
        untrusted comment: \(untrustedComment)
        \(Data(Minisign.algorithm + keyID + signature).base64EncodedString())
        trusted comment: \(trustedComment)
        \(Data(globalSignature).base64EncodedString())

        """
    }

    /// Checks the signature of `message` and of the trusted comment with the pinned key of the
    /// same id; returns that key.
    @discardableResult
    public func verify(_ message: [UInt8], against pinned: [MinisignPublicKey]) throws(PackError) -> MinisignPublicKey {
        guard let key = pinned.first(where: { $0.keyID == keyID }) else {
            throw .untrustedKey(keyID: keyIDText, pinned: pinned.map(\.id))
        }
        guard key.key.isValidSignature(signature, for: message),
            key.key.isValidSignature(globalSignature, for: signature + Array(trustedComment.utf8))
        else { throw .badSignature(keyID: keyIDText) }
        return key
    }
}

enum Minisign {
    /// "Ed": Ed25519 over the file itself.
    static let algorithm = Array("Ed".utf8)

    /// As minisign prints it (`%PRIX64`): the id read as a little-endian number, in upper-case hex
    /// without leading zeros, so one key in sixteen has fewer than 16 digits.
    static func displayID(_ keyID: [UInt8]) -> String {
        String(keyID.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, radix: 16, uppercase: true)
    }
}
