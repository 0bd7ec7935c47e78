public import CanhModel

/// Reads sshd_config as sshd does (sshd_config(5), OpenSSH 9): keywords are case-insensitive;
/// the first value obtained for a keyword wins; `Include` expands globs in place (relative paths
/// under /etc/ssh), so a drop-in included at the top overrides what the main file says later;
/// settings after `Match` apply only to matching connections, up to the next `Match` or the end
/// of the file that opened the block.
public enum SSHDConfigReader {
    public static let mainFile = "/etc/ssh/sshd_config"

    public static func read(_ root: HostRoot) -> ConfigurationState<SSHDConfiguration> {
        var state = ReadState()
        switch root.read(mainFile) {
        case .missing: return .missing("\(mainFile) does not exist (is the OpenSSH server installed?)")
        case .unreadable(let why): return .unreadable("\(mainFile) \(why)")
        case .text(let text): state.parse(text, file: mainFile, root: root, match: nil, depth: 0)
        }
        if let problem = state.problems.first { return .unreadable(problem) }
        return .read(
            SSHDConfiguration(global: EffectiveConfiguration(settings: state.global, files: state.files), conditional: state.conditional))
    }

    private struct ReadState {
        var global: [String: ConfigSetting] = [:]
        var conditional: [ConditionalSetting] = []
        var files: [String] = []
        var problems: [String] = []

        mutating func parse(_ text: String, file: String, root: HostRoot, match inherited: String?, depth: Int) {
            files.append(file)
            var match = inherited
            for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let (keyword, arguments) = SSHDConfigReader.split(rawLine) else { continue }
                let line = index + 1
                switch keyword {
                case "match":
                    match = arguments
                case "include":
                    guard depth < 16 else {
                        problems.append("\(file):\(line): Include nested more than 16 deep")
                        continue
                    }
                    for pattern in arguments.split(whereSeparator: \.isWhitespace) {
                        let absolute = pattern.hasPrefix("/") ? String(pattern) : "/etc/ssh/" + pattern
                        // A pattern that matches nothing is not an error for sshd.
                        for included in root.glob(absolute) {
                            switch root.read(included) {
                            case .text(let includedText): parse(includedText, file: included, root: root, match: match, depth: depth + 1)
                            case .unreadable(let why): problems.append("\(included) (included from \(file):\(line)) \(why)")
                            case .missing: break
                            }
                        }
                    }
                default:
                    let setting = ConfigSetting(value: arguments, file: file, line: line)
                    if let match {
                        conditional.append(ConditionalSetting(criteria: match, keyword: keyword, setting: setting))
                    } else if global[keyword] == nil {
                        global[keyword] = setting
                    }
                }
            }
        }
    }

    /// The keyword (lower-case) and its arguments: `Keyword value`, `Keyword=value` or
    /// `Keyword = value`; nil for blank lines and comments.
    static func split(_ line: Substring) -> (String, String)? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard let first = trimmed.first, first != "#", first != "\r" else { return nil }
        let keyword = trimmed.prefix { !$0.isWhitespace && $0 != "=" }
        var rest = trimmed.dropFirst(keyword.count).drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        var arguments = String(rest)
        while let last = arguments.last, last.isWhitespace { arguments.removeLast() }
        return (keyword.lowercased(), arguments)
    }
}
