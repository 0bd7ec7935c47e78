import Glibc

/// Finds the rule pack when `--rules` is not given (SPEC §3): `rules/` of the source tree the
/// binary was built in (development), else the installed pack.
public enum RulePackLocator {
    /// Where the canh-agent package installs the pack.
    public static let installed = "/usr/share/canh/rules"
    /// Where the canh-collector package installs its copy: two packages cannot ship one file,
    /// and both may be installed on one machine.
    public static let installedForCollector = "/usr/share/canh-collector/rules"

    public static func defaultDirectory(installed: String = installed) -> String {
        if let tree = sourceTree() { return tree + "/rules" }
        return installed
    }

    /// The nearest ancestor of the executable holding both Package.swift and rules/pack.yaml.
    private static func sourceTree() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        var path = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            path = String(path[..<slash])
            if access(path + "/Package.swift", F_OK) == 0, access(path + "/rules/pack.yaml", F_OK) == 0 {
                return path
            }
        }
        return nil
    }
}
