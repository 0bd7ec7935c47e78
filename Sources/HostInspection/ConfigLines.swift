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
    subscript(index: Int) -> (number: Int, text: String) { all[index] }
}
