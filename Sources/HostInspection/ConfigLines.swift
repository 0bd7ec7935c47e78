import CanhModel
import Foundation

/// The lines of a configuration file that are not blank or comments, trimmed, with their numbers.
struct ConfigLines {
    let all: [(number: Int, text: String)]

    init(_ text: String) {
        all = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            let line = raw.trimmingSpaces
            return line.isEmpty || line.hasPrefix("#") ? nil : (index + 1, line)
        }
    }

    var count: Int { all.count }

    /// Shell-style `KEY=value` lines (os-release, /etc/default files, firewalld.conf), the value's
    /// quotes removed; the last assignment of a key wins.
    func assignments(file: String) -> [String: ConfigSetting] {
        var values: [String: ConfigSetting] = [:]
        for (number, line) in all {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = line[line.index(after: equals)...].trimmingSpaces.trimmingCharacters(in: ["\"", "'"])
            values[String(line[..<equals]).trimmingSpaces] = ConfigSetting(value: value, file: file, line: number)
        }
        return values
    }
    subscript(index: Int) -> (number: Int, text: String) { all[index] }
}
