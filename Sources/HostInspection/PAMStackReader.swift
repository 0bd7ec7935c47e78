public import CanhModel

/// Reads a service's PAM stack from /etc/pam.d as libpam does: `type control module args`
/// lines, `-type` for optional modules, `[…]` controls, and the `include`/`substack` controls and
/// Debian's `@include` followed in place.
public enum PAMStackReader {
    public static func read(service: String, in root: HostRoot) -> ConfigurationState<[PAMEntry]> {
        var entries: [PAMEntry] = []
        var problems: [String] = []
        let path = "/etc/pam.d/\(service)"
        guard root.exists(path) else { return .missing("\(path) does not exist") }
        append(path, root: root, into: &entries, problems: &problems, depth: 0)
        if let problem = problems.first { return .unreadable(problem) }
        return .read(entries)
    }

    private static func append(_ path: String, root: HostRoot, into entries: inout [PAMEntry], problems: inout [String], depth: Int) {
        guard depth < 16 else {
            problems.append("\(path): includes nested more than 16 deep")
            return
        }
        let text: String
        switch root.read(path) {
        case .text(let contents): text = contents
        case .missing:
            problems.append("\(path) is included but does not exist")
            return
        case .unreadable(let why):
            problems.append("\(path) \(why)")
            return
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine.prefix { $0 != "#" })
            let words = tokens(line)
            guard let first = words.first else { continue }
            if first == "@include", words.count >= 2 {
                append(includePath(words[1]), root: root, into: &entries, problems: &problems, depth: depth + 1)
                continue
            }
            guard words.count >= 3 else { continue }
            let type = first.hasPrefix("-") ? String(first.dropFirst()) : first
            let control = words[1]
            if control == "include" || control == "substack" {
                var included: [PAMEntry] = []
                append(includePath(words[2]), root: root, into: &included, problems: &problems, depth: depth + 1)
                entries += included.filter { $0.type == type }
                continue
            }
            let module = String(words[2].split(separator: "/").last ?? Substring(words[2]))
            entries.append(
                PAMEntry(type: type, control: control, module: module, arguments: Array(words.dropFirst(3)), file: path, line: index + 1))
        }
    }

    private static func includePath(_ name: String) -> String { name.hasPrefix("/") ? name : "/etc/pam.d/\(name)" }

    /// Whitespace-separated words, a `[…]` control kept as one word.
    static func tokens(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inBrackets = false
        for character in line {
            if character == "[" { inBrackets = true }
            if character == "]" { inBrackets = false }
            if character.isWhitespace && !inBrackets {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
