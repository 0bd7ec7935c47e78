public import CanhModel
import Foundation

/// The installed OpenSSH server's version, which decides sshd's built-in algorithm lists: from
/// dpkg's database (`openssh-server`, installed), else from the `OpenSSH_X.Yp1` string compiled
/// into /usr/sbin/sshd (any distribution).
public enum OpenSSHVersionReader {
    public static func read(_ root: HostRoot) -> ConfigSetting? {
        if case .text(let status) = root.read("/var/lib/dpkg/status"), let version = dpkg(status) { return version }
        guard let binary = FileManager.default.contents(atPath: root.path + "/usr/sbin/sshd") else { return nil }
        let marker = Array("OpenSSH_".utf8)
        guard let start = binary.firstRange(of: marker)?.upperBound else { return nil }
        let version = binary[start...].prefix { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "p") }
        guard !version.isEmpty else { return nil }
        return ConfigSetting(value: String(decoding: version, as: UTF8.self), file: "/usr/sbin/sshd", line: 0)
    }

    /// `Package: openssh-server` … `Version: 1:9.2p1-2+deb12u3` in an installed stanza: `9.2p1`.
    static func dpkg(_ status: String) -> ConfigSetting? {
        let stanza = ControlStanzas.parse(status, file: "/var/lib/dpkg/status").first {
            $0["Package"]?.value == "openssh-server" && $0["Status"]?.value.hasSuffix(" installed") == true
        }
        guard let version = stanza?["Version"] else { return nil }
        return ConfigSetting(value: upstream(version.value), file: version.file, line: version.line)
    }

    /// The upstream part of a Debian version: no epoch, no revision.
    private static func upstream(_ version: String) -> String {
        let withoutEpoch = version.split(separator: ":", maxSplits: 1).last.map(String.init) ?? version
        return withoutEpoch.split(separator: "-").first.map(String.init) ?? withoutEpoch
    }
}
