import Crypto

/// Stable identities derived by hashing, shared by the agent and the collector.
public enum StableDigest {
    /// SHA-256 over the parts joined by NUL (which no part contains), as lowercase hex.
    public static func hex(of parts: [String]) -> String {
        var hasher = SHA256()
        for (position, part) in parts.enumerated() {
            if position > 0 { hasher.update(data: [0]) }
            hasher.update(data: Array(part.utf8))
        }
        return hexString(hasher.finalize())
    }

    /// SHA-256 of raw bytes as lowercase hex: a certificate fingerprint from its DER.
    public static func hex(sha256 bytes: [UInt8]) -> String {
        hexString(SHA256.hash(data: bytes))
    }

    /// The first 16 bytes of the SHA-256 of a text: a compact key for de-duplicating ids.
    public static func key(of text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)).prefix(16))
    }

    /// Lowercase hex of any digest or byte sequence.
    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
