/// A certificate in the collector's inventory (SPEC §2): one per SHA-256 fingerprint, with every
/// place it has been seen and when.
public struct CertificateRecord: Sendable, Hashable, Codable {
    /// Where one host saw it: a file path or `host:port[@sni]`.
    public struct Place: Sendable, Hashable, Codable {
        public var host: String
        public var place: String
        public var firstSeen: Timestamp
        public var lastSeen: Timestamp

        public init(host: String, place: String, firstSeen: Timestamp, lastSeen: Timestamp) {
            self.host = host
            self.place = place
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }

        enum CodingKeys: String, CodingKey {
            case host, place
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
        }
    }

    public var fingerprint: String
    public var subject: String
    public var issuer: String
    /// DNS names and IP addresses of the subject alternative names.
    public var names: [String]
    public var notBefore: Timestamp
    public var notAfter: Timestamp
    /// `rsa 2048`, `ec 256`, …
    public var key: String
    public var signature: String
    public var places: [Place]

    public init(
        fingerprint: String, subject: String, issuer: String, names: [String], notBefore: Timestamp, notAfter: Timestamp, key: String,
        signature: String, places: [Place]
    ) {
        self.fingerprint = fingerprint
        self.subject = subject
        self.issuer = issuer
        self.names = names
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.key = key
        self.signature = signature
        self.places = places
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, subject, issuer, names, key, signature, places
        case notBefore = "not_before"
        case notAfter = "not_after"
    }
}
