/// One ClamAV signature database (`main.cvd`, `daily.cld`, …) as its header describes it.
public struct SignatureDatabase: Sendable, Hashable, CustomStringConvertible {
    /// The file, as on the host.
    public var file: String
    public var version: Int
    public var signatures: Int
    /// When the signatures were built (the header's seconds since the epoch), not when the file
    /// was downloaded: a mirror serving an old database must not look fresh.
    public var builtAt: Timestamp

    public init(file: String, version: Int, signatures: Int, builtAt: Timestamp) {
        self.file = file
        self.version = version
        self.signatures = signatures
        self.builtAt = builtAt
    }

    public var description: String { "\(file): version \(version), built \(builtAt.iso8601)" }
}
