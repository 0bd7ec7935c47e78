import CanhModel
import Foundation
import GRDB

/// Installed packages and the security advisories dnf knows of, on the RHEL family: the rpm
/// database (`rpmdb.sqlite`, RHEL 9, Fedora 33 and later; /usr/lib/sysimage/rpm on Fedora 36
/// and later) against the `type="security"` updates in the updateinfo of each repository
/// dnf cached (/var/cache/dnf, dnf5's /var/cache/libdnf5), with when each repository's
/// metadata was published (the newest timestamp of its repomd.xml).
enum RPMPackageReader {
    static let databases = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"]
    static let caches = ["/var/cache/dnf", "/var/cache/libdnf5"]

    /// nil when the host has no rpm database at all.
    static func read(_ root: HostRoot) -> ConfigurationState<PackageObservation>? {
        guard let database = databases.first(where: root.exists) else {
            for (file, kind) in [("/var/lib/rpm/Packages", "Berkeley DB (RHEL 8 and older)"), ("/var/lib/rpm/Packages.db", "ndb (SUSE)")]
            where root.exists(file) {
                return .unreadable("\(file) is an rpm database in \(kind) format: only rpmdb.sqlite (RHEL 9, Fedora 33 and later) is read")
            }
            return nil
        }
        let installed: [RPMPackage]
        do {
            installed = try packages(root, database)
        } catch {
            return .unreadable(error.description)
        }
        // Several versions of an install-only package (the kernel) stay installed: the newest
        // one decides whether an advisory is still pending.
        var newestInstalled: [String: RPMVersion] = [:]
        for package in installed {
            let key = "\(package.name).\(package.architecture)"
            if newestInstalled[key].map({ $0 < package.version }) ?? true { newestInstalled[key] = package.version }
        }
        var indexes: [PackageObservation.PackageIndex] = []
        var offered: [String: (version: RPMVersion, repository: String, advisory: String)] = [:]
        for cache in caches {
            for directory in root.list(cache) where root.exists("\(cache)/\(directory)/repodata/repomd.xml") {
                let repository = repositoryID(directory)
                let base = "\(cache)/\(directory)"
                let metadata: RepositoryMetadata
                do {
                    metadata = try RepositoryMetadata.read(root, base: base)
                } catch {
                    return .unreadable(error.description)
                }
                guard let updateInfo = metadata.updateInfo else { continue }
                indexes.append(.init(suite: repository, files: [updateInfo], published: metadata.published))
                do {
                    try SecurityAdvisories.read(root, updateInfo) { advisory, package in
                        let key = "\(package.name).\(package.architecture)"
                        guard newestInstalled[key] != nil else { return }
                        if offered[key].map({ $0.version < package.version }) ?? true {
                            offered[key] = (package.version, repository, advisory)
                        }
                    }
                } catch {
                    return .unreadable(error.description)
                }
            }
        }
        let candidates = newestInstalled.sorted { $0.key < $1.key }.compactMap { key, version -> PackageObservation.SecurityCandidate? in
            guard let offer = offered[key], let dot = key.lastIndex(of: ".") else { return nil }
            return .init(
                package: String(key[..<dot]), architecture: String(key[key.index(after: dot)...]), installed: .rpm(version),
                candidate: .rpm(offer.version), suite: "\(offer.repository) \(offer.advisory)")
        }
        return .read(
            PackageObservation(
                manager: "rpm", installedCount: installed.count, securityLists: indexes.sorted { $0.suite < $1.suite },
                candidates: candidates))
    }

    /// `baseos-a1b2c3d4e5f60718` → `baseos`: dnf names a repository's cache after its id and a
    /// hash of its URL.
    static func repositoryID(_ directory: String) -> String {
        guard let dash = directory.lastIndex(of: "-") else { return directory }
        let suffix = directory[directory.index(after: dash)...]
        return suffix.count == 16 && suffix.allSatisfy(\.isHexDigit) ? String(directory[..<dash]) : directory
    }

    /// Every real package of the database (not the gpg-pubkey entries of imported keys).
    private static func packages(_ root: HostRoot, _ database: String) throws(HostRoot.UnreadableFile) -> [RPMPackage] {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: root.path + database, configuration: configuration)
            return try queue.read { db in
                var headers: [RPMPackage] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT hnum, blob FROM Packages")
                while let row = try rows.next() {
                    let number: Int64 = row["hnum"] ?? 0
                    guard let blob = row["blob"] as Data? else { continue }
                    do {
                        let header = try RPMPackage(header: [UInt8](blob))
                        if header.name != "gpg-pubkey" { headers.append(header) }
                    } catch {
                        throw HostRoot.UnreadableFile(description: "\(database): package \(number): \(error)")
                    }
                }
                return headers
            }
        } catch let error as HostRoot.UnreadableFile {
            throw error
        } catch {
            throw HostRoot.UnreadableFile(description: "\(database) is not an rpm database (\(error))")
        }
    }
}

/// What a repository's repomd.xml says: where its updateinfo is, and when it was published.
struct RepositoryMetadata {
    /// The cached updateinfo file's host path; nil when the repository publishes none.
    var updateInfo: String?
    var published: Timestamp?

    static func read(_ root: HostRoot, base: String) throws(HostRoot.UnreadableFile) -> RepositoryMetadata {
        let file = "\(base)/repodata/repomd.xml"
        let bytes = try PackageMetadataFile.read(root, file).get()
        var metadata = RepositoryMetadata()
        var dataType: String?
        var inTimestamp = false
        var newest: Int64 = 0
        do {
            try XMLScanner.scan(bytes) { (event) throws(XMLScanner.Malformed) in
                switch event {
                case .start("data", let attributes): dataType = attributes["type"]
                case .end("data"): dataType = nil
                case .start("timestamp", _): inTimestamp = true
                case .end("timestamp"): inTimestamp = false
                case .text(let raw) where inTimestamp && dataType != nil:
                    let text = XMLScanner.decode(raw).trimmingCharacters(in: .whitespacesAndNewlines)
                    if let seconds = Double(text), seconds.isFinite, seconds > 0, seconds < 1e11 { newest = max(newest, Int64(seconds)) }
                case .start("location", let attributes) where dataType == "updateinfo":
                    metadata.updateInfo = attributes["href"].map { "\(base)/\($0)" }
                default: break
                }
            }
        } catch {
            throw HostRoot.UnreadableFile(description: "\(file): \(error)")
        }
        if let path = metadata.updateInfo, path.split(separator: "/").contains("..") {
            throw HostRoot.UnreadableFile(description: "\(file): the updateinfo location \(path) leaves the repository's cache")
        }
        metadata.published = newest > 0 ? Timestamp(secondsSinceEpoch: newest) : nil
        return metadata
    }
}

/// The packages of a repository's security advisories (`<update type="security">`).
enum SecurityAdvisories {
    static func read(
        _ root: HostRoot, _ file: String, _ offer: (_ advisory: String, _ package: RPMPackage) -> Void
    ) throws(HostRoot.UnreadableFile) {
        let bytes = try PackageMetadataFile.read(root, file).get()
        var security = false
        var inID = false
        var advisory = ""
        do {
            try XMLScanner.scan(bytes) { (event) throws(XMLScanner.Malformed) in
                switch event {
                case .start("update", let attributes):
                    security = attributes["type"] == "security"
                    advisory = ""
                case .end("update"): security = false
                case .start("id", _) where security: inID = true
                case .end("id"): inID = false
                case .text(let raw) where inID: advisory += XMLScanner.decode(raw).trimmingCharacters(in: .whitespacesAndNewlines)
                case .start("package", let attributes) where security:
                    guard let name = attributes["name"], let version = attributes["version"] else { return }
                    offer(
                        advisory,
                        RPMPackage(
                            name: name,
                            version: RPMVersion(
                                epoch: attributes["epoch"].flatMap { Int($0) } ?? 0, version: version, release: attributes["release"] ?? ""),
                            architecture: attributes["arch"] ?? "noarch"))
                default: break
                }
            }
        } catch {
            throw HostRoot.UnreadableFile(description: "\(file): \(error)")
        }
    }
}
