import CanhModel
internal import Crypto
import Foundation

/// API and enrollment tokens: random, shown once, stored only as their SHA-256.
public enum Secrets {
    /// `canh_` and 43 characters of base64url: 256 random bits.
    public static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "canh_"
            + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of a token, hex: what the store keeps and looks up.
    public static func hash(_ token: String) -> String {
        StableDigest.hex(sha256: Array(token.utf8))
    }

    /// A short random id (12 hex digits) for things listed in public: enrollment tokens.
    public static func shortID() -> String {
        StableDigest.hexString(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0.prefix(6)) })
    }
}
