/// The installed packages against the security updates the package manager knows of.
public struct PackageObservation: Sendable, Hashable {
    /// `dpkg`.
    public var manager: String
    public var installedCount: Int
    /// The security suites' package lists apt fetched, with when each suite was published.
    public var securityLists: [PackageIndex]
    /// Each installed package a security list also has, with the newest version it offers
    /// (which may be older than the installed one).
    public var candidates: [SecurityCandidate]

    public init(manager: String, installedCount: Int, securityLists: [PackageIndex], candidates: [SecurityCandidate]) {
        self.manager = manager
        self.installedCount = installedCount
        self.securityLists = securityLists
        self.candidates = candidates
    }

    public struct PackageIndex: Sendable, Hashable, CustomStringConvertible {
        /// `bookworm-security`.
        public var suite: String
        /// The Packages files read.
        public var files: [String]
        /// The `Date:` of the suite's InRelease (or Release) file; nil when it has none.
        public var published: Timestamp?

        public init(suite: String, files: [String], published: Timestamp?) {
            self.suite = suite
            self.files = files
            self.published = published
        }

        public var description: String { "\(suite) (published \(published?.iso8601 ?? "unknown"))" }
    }

    public struct SecurityCandidate: Sendable, Hashable, CustomStringConvertible {
        public var package: String
        public var architecture: String
        public var installed: DebianVersion
        public var candidate: DebianVersion
        public var suite: String

        public init(package: String, architecture: String, installed: DebianVersion, candidate: DebianVersion, suite: String) {
            self.package = package
            self.architecture = architecture
            self.installed = installed
            self.candidate = candidate
            self.suite = suite
        }

        public var description: String { "\(package):\(architecture) \(installed) → \(candidate) (\(suite))" }
    }
}
