/// The operating system as /etc/os-release names it (os-release(5)).
public struct OSRelease: Sendable, Hashable, CustomStringConvertible {
    /// `debian`, `ubuntu`, `rhel`, `rocky`, `almalinux`, `ol`, `centos`.
    public var id: String
    /// `12`, `22.04`, `9.4`; empty for rolling releases.
    public var versionID: String
    public var prettyName: String
    /// Where `VERSION_ID` was read.
    public var source: ConfigSetting

    public init(id: String, versionID: String, prettyName: String, source: ConfigSetting) {
        self.id = id
        self.versionID = versionID
        self.prettyName = prettyName
        self.source = source
    }

    public var description: String { "\(prettyName.isEmpty ? "\(id) \(versionID)" : prettyName) (\(source.file):\(source.line))" }
}
