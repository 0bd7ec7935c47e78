/// The installed packages against the security updates the package manager knows of.
public struct PackageObservation: Sendable, Hashable {
    /// `dpkg` or `rpm`.
    public var manager: String
    public var installedCount: Int
    /// The security suites' package lists apt fetched (dpkg), or the repositories whose update
    /// advisories dnf fetched (rpm), with when each was published.
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
        /// `bookworm-security`; for rpm, the repository id (`baseos`).
        public var suite: String
        /// The Packages files (or updateinfo files) read.
        public var files: [String]
        /// The `Date:` of the suite's InRelease (or Release) file, or the newest timestamp of
        /// the repository's repomd.xml; nil when it has none.
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
        public var installed: PackageVersion
        public var candidate: PackageVersion
        public var suite: String

        public init(package: String, architecture: String, installed: PackageVersion, candidate: PackageVersion, suite: String) {
            self.package = package
            self.architecture = architecture
            self.installed = installed
            self.candidate = candidate
            self.suite = suite
        }

        public var description: String { "\(package):\(architecture) \(installed) → \(candidate) (\(suite))" }
    }
}
