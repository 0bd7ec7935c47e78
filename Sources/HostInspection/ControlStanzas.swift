import CanhModel
import Foundation

/// Debian control data (dpkg's status, apt's Packages lists, InRelease): RFC 822-style stanzas
/// separated by blank lines, each field with the line it stands on; continuation lines are
/// skipped.
enum ControlStanzas {
    static func parse(_ text: String, file: String) -> [[String: ConfigSetting]] {
        var stanzas: [[String: ConfigSetting]] = []
        var current: [String: ConfigSetting] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty {
                if !current.isEmpty { stanzas.append(current) }
                current = [:]
            } else if let first = line.first, first != " ", first != "\t", let colon = line.firstIndex(of: ":") {
                current[String(line[..<colon])] = ConfigSetting(
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces), file: file, line: index + 1)
            }
        }
        if !current.isEmpty { stanzas.append(current) }
        return stanzas
    }
}
