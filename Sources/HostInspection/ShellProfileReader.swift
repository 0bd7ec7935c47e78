public import CanhModel

/// Finds the shell idle timeout (`TMOUT`) set for login shells, in the order bash reads the
/// system-wide files on Debian: /etc/profile (which reads /etc/bash.bashrc), then
/// /etc/profile.d/*.sh by name. Only plain assignments are understood (`TMOUT=300`, with
/// `export`, `readonly`, `declare -r`/`typeset -r`, or a later `readonly TMOUT`); a value
/// computed at run time is not.
public enum ShellProfileReader {
    public static func timeouts(_ root: HostRoot) -> [ShellTimeout] {
        let files =
            ["/etc/profile", "/etc/bash.bashrc"] + root.list("/etc/profile.d").filter { $0.hasSuffix(".sh") }.map { "/etc/profile.d/\($0)" }
        guard case .success(let present) = root.presentFiles(files) else { return [] }
        var timeouts: [ShellTimeout] = []
        for (file, text) in present {
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for command in line.prefix(while: { $0 != "#" }).split(separator: ";") {
                    var words = command.split(whereSeparator: \.isWhitespace).map(String.init)
                    guard let first = words.first else { continue }
                    var readOnly = false
                    if ["readonly", "declare", "typeset", "export"].contains(first) {
                        words.removeFirst()
                        readOnly = first == "readonly"
                        while let flag = words.first, flag.hasPrefix("-") {
                            if flag.dropFirst().contains("r") { readOnly = true }
                            words.removeFirst()
                        }
                    }
                    for word in words {
                        if word.hasPrefix("TMOUT=") {
                            let value = word.dropFirst("TMOUT=".count).filter { $0 != "\"" && $0 != "'" }
                            guard let seconds = Int(value) else { continue }
                            timeouts.append(ShellTimeout(seconds: seconds, isReadOnly: readOnly, file: file, line: index + 1))
                        } else if word == "TMOUT", readOnly, let last = timeouts.indices.last, timeouts[last].file == file {
                            timeouts[last].isReadOnly = true
                        }
                    }
                }
            }
        }
        return timeouts
    }
}
