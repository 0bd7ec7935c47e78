public import CanhModel
import Foundation

/// /etc/os-release, else /usr/lib/os-release (os-release(5)): `KEY=value`, the value quoted or not.
public enum OSReleaseReader {
    public static func read(_ root: HostRoot) -> ConfigurationState<OSRelease> {
        for file in ["/etc/os-release", "/usr/lib/os-release"] {
            switch root.read(file) {
            case .missing: continue
            case .unreadable(let why): return .unreadable("\(file) \(why)")
            case .text(let text):
                var values: [String: (String, Int)] = [:]
                for (number, line) in ConfigLines(text).all {
                    guard let equals = line.firstIndex(of: "=") else { continue }
                    let value = line[line.index(after: equals)...].trimmingCharacters(in: ["\"", "'"])
                    values[String(line[..<equals])] = (value, number)
                }
                guard let id = values["ID"] else { return .unreadable("\(file) has no ID=") }
                let version = values["VERSION_ID"] ?? ("", id.1)
                return .read(
                    OSRelease(
                        id: id.0, versionID: version.0, prettyName: values["PRETTY_NAME"]?.0 ?? "",
                        source: ConfigSetting(value: version.0, file: file, line: version.1)))
            }
        }
        return .missing("neither /etc/os-release nor /usr/lib/os-release exists")
    }
}
