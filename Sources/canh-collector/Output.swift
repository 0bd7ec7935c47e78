import ArgumentParser
import Foundation

/// Tables for people, JSON and CSV for programs and spreadsheets.
enum Output {
    static func print<Item: Encodable>(_ items: [Item], format: OutputFormat, columns: [String], row: (Item) -> [String]) throws {
        switch format {
        case .json: try printJSON(items)
        case .csv:
            Swift.print(columns.map { csvField($0.lowercased()) }.joined(separator: ","))
            for item in items { Swift.print(row(item).map(csvField).joined(separator: ",")) }
        case .table:
            let rows = [columns] + items.map(row)
            let widths = columns.indices.map { index in rows.map { $0[index].count }.max() ?? 0 }
            for cells in rows {
                let padded = cells.enumerated().map { index, cell in
                    index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }
                Swift.print(padded.joined(separator: "  "))
            }
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
