/// A private key found in a file: enough to judge how it is stored, never the key itself.
public struct PrivateKeyFact: Sendable, Hashable {
    /// The PEM label or algorithm, e.g. `RSA PRIVATE KEY`, `PRIVATE KEY`, `EC`.
    public var kind: String
    /// Whether the key is encrypted with a passphrase.
    public var isEncrypted: Bool

    public init(kind: String, isEncrypted: Bool) {
        self.kind = kind
        self.isEncrypted = isEncrypted
    }
}
