public import CanhModel

/// Reads a systemd daemon's configuration as systemd does (systemd.syntax(7), journald.conf(5)):
/// the first main file found in /etc, /run, /usr/local/lib, /usr/lib; then every `NAME.d/*.conf`
/// drop-in of those directories, sorted by file name whatever its directory (a name in /etc
/// hides the same name elsewhere, and a link to /dev/null masks it); the last assignment wins,
/// and an empty assignment resets to the built-in default.
public enum SystemdConfigReader {
    static let directories = ["/etc/systemd", "/run/systemd", "/usr/local/lib/systemd", "/usr/lib/systemd"]

    /// - Parameters:
    ///   - name: the file name, e.g. `journald.conf`.
    ///   - section: the section whose keys are read, e.g. `Journal`.
    public static func read(_ root: HostRoot, name: String, section: String) -> ConfigurationState<EffectiveConfiguration> {
        var files: [String] = []
        if let main = directories.map({ "\($0)/\(name)" }).first(where: root.exists) { files.append(main) }
        var dropIns: [String: String] = [:]
        for directory in directories.reversed() {
            for file in root.list("\(directory)/\(name).d") where file.hasSuffix(".conf") {
                dropIns[file] = "\(directory)/\(name).d/\(file)"
            }
        }
        for fileName in dropIns.keys.sorted() {
            guard let path = dropIns[fileName], root.linkTarget(path) != "/dev/null" else { continue }
            files.append(path)
        }

        var settings: [String: ConfigSetting] = [:]
        let present: [(path: String, text: String)]
        switch root.presentFiles(files) {
        case .success(let files): present = files
        case .failure(let unreadable): return .unreadable(unreadable.description)
        }
        for (file, text) in present {
            var current: String?
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.trimmingSpaces
                guard let first = line.first, first != "#", first != ";" else { continue }
                if first == "[" {
                    current = line.hasSuffix("]") ? String(line.dropFirst().dropLast()) : nil
                    continue
                }
                guard current == section, let equals = line.firstIndex(of: "=") else { continue }
                let key = String(line[..<equals]).trimmingSpaces.lowercased()
                let value = String(line[line.index(after: equals)...]).trimmingSpaces
                settings[key] = value.isEmpty ? nil : ConfigSetting(value: value, file: file, line: index + 1)
            }
        }
        return .read(EffectiveConfiguration(settings: settings, files: present.map(\.path)))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
