import ArgumentParser
import CanhModel
import CommandSupport
import Foundation

/// Tables for people, JSON and CSV for programs and spreadsheets.
enum Output {
    static func print<Item: Encodable>(_ items: [Item], format: OutputFormat, columns: [String], row: (Item) -> [String]) throws {
        switch format {
        case .json: try printJSON(items)
        case .csv:
            Console.output(CSVField.line(columns.map { $0.lowercased() }))
            for item in items { Console.output(CSVField.line(row(item))) }
        case .table:
            Console.output(TextTable(header: columns, rows: items.map(row)).rendered)
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Console.output(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
