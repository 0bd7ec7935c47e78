public import CanhModel
import Foundation

/// Installed packages and the security suites' package lists, as apt last fetched them:
/// /var/lib/dpkg/status, and under /var/lib/apt/lists the `*_dists_SUITE_*_Packages` files of
/// suites named `*-security` (or Debian's old `SUITE/updates`) with their `InRelease` dates.
/// On RPM hosts, `RPMPackageReader`.
public enum PackageReader {
    static let status = "/var/lib/dpkg/status"
    static let lists = "/var/lib/apt/lists"

    public static func read(_ root: HostRoot) -> ConfigurationState<PackageObservation> {
        let statusText: String
        switch root.read(status) {
        case .text(let text): statusText = text
        case .unreadable(let why): return .unreadable("\(status) \(why)")
        case .missing:
            if let rpm = RPMPackageReader.read(root) { return rpm }
            return .missing("no package database: neither \(status) nor an rpm database (\(RPMPackageReader.databases[0])) exists")
        }
        var installed: [String: [(architecture: String, version: DebianVersion)]] = [:]
        var installedCount = 0
        for stanza in ControlStanzas.parse(statusText, file: status) where stanza["Status"]?.value.hasSuffix(" installed") == true {
            guard let name = stanza["Package"]?.value, let version = stanza["Version"]?.value else { continue }
            installed[name, default: []].append((stanza["Architecture"]?.value ?? "all", DebianVersion(version)))
            installedCount += 1
        }
        var indexes: [String: PackageObservation.PackageIndex] = [:]
        var newest: [String: (version: DebianVersion, suite: String)] = [:]  // "name:arch"
        for file in root.list(lists) {
            guard let suite = securitySuite(file) else { continue }
            let prefix = file.components(separatedBy: "_dists_").first ?? ""
            if indexes[suite] == nil {
                let suitePath = suite.replacingOccurrences(of: "/", with: "_")
                indexes[suite] = .init(suite: suite, files: [], published: published(root, "\(lists)/\(prefix)_dists_\(suitePath)"))
            }
            // Acquire::GzipIndexes keeps the lists compressed, gzip'd or lz4'd.
            guard file.hasSuffix("_Packages") || (file.contains("_Packages.") && PackageMetadataFile.isCompressed(file)) else { continue }
            indexes[suite]?.files.append("\(lists)/\(file)")
            switch PackageMetadataFile.read(root, "\(lists)/\(file)") {
            case .failure(let problem): return .unreadable(problem.description)
            case .success(let bytes):
                guard let text = String(validating: bytes, as: UTF8.self) else { return .unreadable("\(lists)/\(file) is not UTF-8 text") }
                for stanza in ControlStanzas.parse(text, file: "\(lists)/\(file)") {
                    guard let name = stanza["Package"]?.value, installed[name] != nil, let text = stanza["Version"]?.value else { continue }
                    let version = DebianVersion(text)
                    let key = "\(name):\(stanza["Architecture"]?.value ?? "all")"
                    if newest[key].map({ $0.version < version }) ?? true { newest[key] = (version, suite) }
                }
            }
        }
        var candidates: [PackageObservation.SecurityCandidate] = []
        for (name, versions) in installed.sorted(by: { $0.key < $1.key }) {
            for (architecture, version) in versions {
                guard let offered = newest["\(name):\(architecture)"] ?? newest["\(name):all"] else { continue }
                candidates.append(
                    .init(
                        package: name, architecture: architecture, installed: .debian(version), candidate: .debian(offered.version),
                        suite: offered.suite))
            }
        }
        return .read(
            PackageObservation(
                manager: "dpkg", installedCount: installedCount, securityLists: indexes.values.sorted { $0.suite < $1.suite },
                candidates: candidates))
    }

    /// `…_dists_bookworm-security_main_binary-amd64_Packages` → `bookworm-security`;
    /// `…_dists_stretch_updates_main_…` → `stretch/updates`.
    static func securitySuite(_ file: String) -> String? {
        guard let range = file.range(of: "_dists_") else { return nil }
        let parts = file[range.upperBound...].split(separator: "_").map(String.init)
        guard let suite = parts.first else { return nil }
        if suite.hasSuffix("-security") { return suite }
        if parts.count > 1, parts[1] == "updates" { return "\(suite)/updates" }
        return nil
    }

    /// The `Date:` field of the suite's InRelease, else Release, file.
    private static func published(_ root: HostRoot, _ base: String) -> Timestamp? {
        for name in ["\(base)_InRelease", "\(base)_Release"] {
            guard case .text(let text) = root.read(name) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("Date: ") {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
                if let date = formatter.date(from: String(line.dropFirst(6))) {
                    return Timestamp(secondsSinceEpoch: Int64(date.timeIntervalSince1970))
                }
            }
        }
        return nil
    }
}
