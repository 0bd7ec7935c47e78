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
                let values = ConfigLines(text).assignments(file: file)
                guard let id = values["ID"] else { return .unreadable("\(file) has no ID=") }
                let version = values["VERSION_ID"] ?? ConfigSetting(value: "", file: file, line: id.line)
                return .read(
                    OSRelease(id: id.value, versionID: version.value, prettyName: values["PRETTY_NAME"]?.value ?? "", source: version))
            }
        }
        return .missing("neither /etc/os-release nor /usr/lib/os-release exists")
    }
}
