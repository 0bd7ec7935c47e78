public import CanhModel
import Foundation

/// Where the host's logs are sent: remote actions of rsyslog (legacy `@host`, `@@host`,
/// `:omrelp:` and RainerScript `action(type="omfwd"|"omrelp" target=…)`), network destinations
/// of syslog-ng, and systemd-journal-upload's `URL=`. Each found with its file and line; the
/// check decides whether the unit that sends them is enabled.
public enum LogForwardingReader {
    public static func read(_ root: HostRoot) -> ConfigurationState<[LogForwarder]> {
        do {
            var forwarders = try rsyslog(root) + syslogNG(root)
            switch SystemdConfigReader.read(root, name: "journal-upload.conf", section: "Upload") {
            case .read(let configuration):
                if let url = configuration["URL"] {
                    forwarders.append(LogForwarder(unit: "systemd-journal-upload.service", target: url))
                }
            case .missing: break
            case .unreadable(let why): return .unreadable(why)
            }
            return .read(forwarders)
        } catch {
            return .unreadable(error.description)
        }
    }

    /// rsyslog.conf and the files it includes, in the order rsyslog reads them.
    private static func rsyslog(_ root: HostRoot) throws(HostRoot.UnreadableFile) -> [LogForwarder] {
        var forwarders: [LogForwarder] = []
        for file in try includedFiles(root, main: "/etc/rsyslog.conf", include: rsyslogInclude) {
            let lines = ConfigLines(file.text)
            var index = 0
            while index < lines.count {
                let (number, line) = lines[index]
                index += 1
                if line.lowercased().hasPrefix("action(") || line.contains(" action(") {
                    // A RainerScript action may span lines up to its closing parenthesis.
                    var statement = line
                    while !statement.contains(")"), index < lines.count {
                        statement += " " + lines[index].text
                        index += 1
                    }
                    let type = attribute("type", in: statement)?.lowercased()
                    if type == "omfwd" || type == "omrelp", let target = attribute("target", in: statement) {
                        forwarders.append(rsyslogForwarder("\(type ?? "") \(target)", file: file.path, line: number))
                    }
                    continue
                }
                // Legacy: "SELECTOR  ACTION"; a remote action starts with @, @@ or :omrelp:.
                let words = line.split(whereSeparator: \.isWhitespace)
                guard words.count >= 2, !line.hasPrefix("$"), let action = words.last else { continue }
                if action.hasPrefix("@") || action.lowercased().hasPrefix(":omrelp:") || action.lowercased().hasPrefix(":omfwd:") {
                    forwarders.append(rsyslogForwarder(String(action), file: file.path, line: number))
                }
            }
        }
        return forwarders
    }

    private static func rsyslogForwarder(_ target: String, file: String, line: Int) -> LogForwarder {
        LogForwarder(unit: "rsyslog.service", target: ConfigSetting(value: target, file: file, line: line))
    }

    /// `$IncludeConfig PATTERN` or `include(file="PATTERN")`.
    private static func rsyslogInclude(_ line: String) -> String? {
        if line.lowercased().hasPrefix("$includeconfig") {
            return line.split(whereSeparator: \.isWhitespace).dropFirst().first.map(String.init)
        }
        if line.lowercased().hasPrefix("include(") { return attribute("file", in: line) }
        return nil
    }

    /// syslog-ng.conf and its `@include`s: drivers that send over the network inside a
    /// `destination` block.
    private static func syslogNG(_ root: HostRoot) throws(HostRoot.UnreadableFile) -> [LogForwarder] {
        let include = { (line: String) -> String? in
            guard line.hasPrefix("@include") else { return nil }
            let pattern = line.dropFirst("@include".count).trimmingSpaces.trimmingCharacters(in: ["\"", ";"])
            return pattern.hasPrefix("/") ? pattern : "/etc/syslog-ng/\(pattern)"
        }
        let remoteDrivers = ["network", "syslog", "tcp", "udp", "tcp6", "udp6"]
        var forwarders: [LogForwarder] = []
        for file in try includedFiles(root, main: "/etc/syslog-ng/syslog-ng.conf", include: include) {
            var inDestination = false
            for (number, line) in ConfigLines(file.text).all {
                if line.hasPrefix("destination") { inDestination = true }
                if inDestination {
                    for driver in remoteDrivers {
                        guard let range = line.range(of: "\(driver)(") ?? line.range(of: "\(driver) ("),
                            range.lowerBound == line.startIndex || !line[line.index(before: range.lowerBound)].isLetter
                        else { continue }
                        let argument = line[range.upperBound...].prefix { $0 != ")" && $0 != " " }.trimmingCharacters(in: ["\"", "'"])
                        forwarders.append(
                            LogForwarder(
                                unit: "syslog-ng.service",
                                target: ConfigSetting(value: "\(driver)(\(argument))", file: file.path, line: number)))
                    }
                }
                if line.contains("};") { inDestination = false }
            }
        }
        return forwarders
    }

    /// The main file, then each file an include line names (a glob, expanded in sorted order),
    /// read where the include stands.
    private static func includedFiles(
        _ root: HostRoot, main: String, include: (String) -> String?
    ) throws(HostRoot.UnreadableFile) -> [(path: String, text: String)] {
        var files: [(path: String, text: String)] = []
        var pending = [main]
        var seen: Set<String> = []
        while let path = pending.first {
            pending.removeFirst()
            guard seen.insert(path).inserted else { continue }
            guard let text = try root.textIfPresent(path) else { continue }
            files.append((path, text))
            let included = ConfigLines(text).all.compactMap { include($0.text) }.flatMap { root.glob($0) }
            pending.insert(contentsOf: included, at: 0)
        }
        return files
    }

    /// `name="value"` in a RainerScript statement.
    private static func attribute(_ name: String, in statement: String) -> String? {
        guard let start = statement.range(of: "\(name)=\"", options: .caseInsensitive) else { return nil }
        let rest = statement[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
