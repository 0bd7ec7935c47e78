public import CanhModel

/// The services the classic internet super-server starts, from /etc/inetd.conf (openbsd-inetd,
/// inetutils-inetd): one per line, `service socket protocol wait user server arguments`;
/// Debian's `update-inetd --disable` comments lines out as `#<off># …`.
public enum InetdConfigReader {
    public static func services(_ root: HostRoot) -> ConfigurationState<[ConfigSetting]> {
        let file = "/etc/inetd.conf"
        switch root.read(file) {
        case .missing: return .missing("\(file) does not exist")
        case .unreadable(let why): return .unreadable("\(file) \(why)")
        case .text(let text):
            var services: [ConfigSetting] = []
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let first = line.split(whereSeparator: \.isWhitespace).first, !first.hasPrefix("#") else { continue }
                // An address may precede the service: 127.0.0.1:telnet.
                let service = first.split(separator: ":").last.map(String.init) ?? String(first)
                services.append(ConfigSetting(value: service, file: file, line: index + 1))
            }
            return .read(services)
        }
    }
}
