/// Tables for people at a terminal and CSV cells for spreadsheets. Both show values that
/// attackers write (user names, host names, file paths), so neither may let a value add a row,
/// move the cursor or become a formula.

/// Columns padded to their widest cell (counted in characters, so Vietnamese text aligns). Every
/// cell is made terminal-safe: control characters and text-reordering characters are escaped.
/// Without a header it is a list of `name  value` lines, the names aligned (`status`, `show`).
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// `name  value` lines.
    public init(fields: [(String, String)]) {
        self.init(header: [], rows: fields.map { [$0.0, $0.1] })
    }

    public var rendered: String {
        let safeRows = (header.isEmpty ? rows : [header] + rows).map { $0.map(\.terminalSafe) }
        var widths = [Int](repeating: 0, count: header.isEmpty ? (rows.map(\.count).max() ?? 0) : header.count)
        for row in safeRows {
            for (column, value) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], value.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, value in
                column == cells.count - 1 || column >= widths.count
                    ? value : value + String(repeating: " ", count: widths[column] - value.count)
            }.joined(separator: "  ")
        }
        return safeRows.map(line).joined(separator: "\n")
    }
}

/// One cell of RFC 4180 CSV.
public enum CSVField {
    /// The cell as written between commas. A cell a spreadsheet would take for a formula
    /// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with an
    /// apostrophe; a cell holding a comma, a quote, a carriage return or a line feed is quoted.
    /// Both are decided on the characters' scalars: Swift counts `"\r\n"` as one Character, equal
    /// to neither `"\r"` nor `"\n"`.
    public static func escaped(_ cell: String) -> String {
        var scalars = cell.unicodeScalars
        if let first = scalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { scalars.insert("'", at: scalars.startIndex) }
        guard scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return String(scalars) }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// One line of cells, without its line end.
    public static func line(_ cells: [String]) -> String { cells.map(escaped).joined(separator: ",") }
}
