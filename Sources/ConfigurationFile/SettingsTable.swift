import Foundation

extension TOMLDocument {
    /// Reads and parses a configuration file.
    public init(contentsOf path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, line: nil, message: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        try self.init(parsing: text, file: path)
    }

    /// Refuses any table or key the schema does not name (`["collector": ["data_dir", …]]`,
    /// `""` for keys outside any table), with its line: a misspelt setting must not be ignored.
    public func requireOnly(_ schema: [String: Set<String>]) throws(ConfigurationError) {
        for table in tables {
            guard let keys = schema[table.name] else {
                let known = schema.keys.filter { !$0.isEmpty }.sorted().map { "[\($0)]" }.joined(separator: ", ")
                throw ConfigurationError(file: file, line: table.line, message: "unknown table [\(table.name)]; known: \(known)")
            }
            for entry in table.entries where !keys.contains(entry.key) {
                let place = table.name.isEmpty ? "outside any table" : "in [\(table.name)]"
                let known = keys.sorted().joined(separator: ", ")
                throw ConfigurationError(
                    file: file, line: entry.line,
                    message: "unknown key \(entry.key) \(place)" + (known.isEmpty ? "" : "; known: \(known)"))
            }
        }
    }

    /// The `[name]` table, if the file has one.
    public func table(_ name: String) -> SettingsTable? {
        tables.first { $0.name == name && !$0.isArrayElement }.map { SettingsTable(table: $0, file: file) }
    }

    /// Every `[[name]]` element, in order.
    public func tables(_ name: String) -> [SettingsTable] {
        tables.filter { $0.name == name && $0.isArrayElement }.map { SettingsTable(table: $0, file: file) }
    }
}

/// Typed settings out of one table; a value of the wrong kind is an error naming its line.
public struct SettingsTable: Sendable {
    public let table: TOMLDocument.Table
    public let file: String

    /// Where the table starts, for settings that are missing.
    public var line: Int { table.line }

    func entry(_ key: String) -> TOMLDocument.Entry? { table.entries.first { $0.key == key } }

    /// An error about `key` (at its line when it is set, else at the table's).
    public func failure(_ key: String, _ message: String) -> ConfigurationError {
        let name = table.name.isEmpty ? key : "\(table.name).\(key)"
        return ConfigurationError(file: file, line: entry(key)?.line ?? table.line, message: "\(name): \(message)")
    }

    public func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let entry = entry(key) else { return nil }
        guard case .string(let text) = entry.value else { throw failure(key, "expected a string, found \(entry.value.kind)") }
        return text
    }

    public func requiredString(_ key: String) throws(ConfigurationError) -> String {
        guard let text = try string(key) else { throw failure(key, "missing") }
        return text
    }

    public func integer(_ key: String, in range: ClosedRange<Int64>) throws(ConfigurationError) -> Int64? {
        guard let entry = entry(key) else { return nil }
        guard case .integer(let number) = entry.value else { throw failure(key, "expected a whole number, found \(entry.value.kind)") }
        guard range.contains(number) else { throw failure(key, "\(number) is outside \(range.lowerBound)…\(range.upperBound)") }
        return number
    }

    public func boolean(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let entry = entry(key) else { return nil }
        guard case .boolean(let value) = entry.value else { throw failure(key, "expected true or false, found \(entry.value.kind)") }
        return value
    }

    public func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let entry = entry(key) else { return nil }
        guard case .array(let elements) = entry.value else { throw failure(key, "expected a list of strings, found \(entry.value.kind)") }
        var texts: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw failure(key, "expected a list of strings, found \(element.kind) in it") }
            texts.append(text)
        }
        return texts
    }

    /// A list of whole numbers, each within `range`.
    public func integers(_ key: String, in range: ClosedRange<Int64>) throws(ConfigurationError) -> [Int64]? {
        guard let entry = entry(key) else { return nil }
        guard case .array(let elements) = entry.value else {
            throw failure(key, "expected a list of whole numbers, found \(entry.value.kind)")
        }
        var numbers: [Int64] = []
        for element in elements {
            guard case .integer(let number) = element else {
                throw failure(key, "expected a list of whole numbers, found \(element.kind) in it")
            }
            guard range.contains(number) else { throw failure(key, "\(number) is outside \(range.lowerBound)…\(range.upperBound)") }
            numbers.append(number)
        }
        return numbers
    }

    /// A list of strings, each one of the raw values of `T`.
    public func choices<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ConfigurationError) -> [T]?
    where T.RawValue == String {
        guard let texts = try strings(key) else { return nil }
        var values: [T] = []
        for text in texts {
            guard let value = T(rawValue: text) else {
                throw failure(key, "\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            values.append(value)
        }
        return values
    }

    /// A string that must be one of the raw values of `T`.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ConfigurationError) -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw failure(key, "\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    public func requiredChoice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws(ConfigurationError) -> T
    where T.RawValue == String {
        guard let value = try choice(key, as: type) else { throw failure(key, "missing") }
        return value
    }
}

/// Durations as people write them in files and flags: `90s`, `30m`, `6h`, `7d`.
public enum DurationText {
    /// The longest duration any setting or flag takes: ten years. Longer ones are mistakes, and
    /// in microseconds or nanoseconds they would no longer fit the clocks that use them.
    public static let longestSeconds: Int64 = 3650 * 86_400

    /// The number of seconds, or nil when the text is not a positive whole number with a unit,
    /// or is longer than `longestSeconds`.
    public static func seconds(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last, let factor = units[unit], let number = Int64(text.dropLast()), number > 0,
            number <= longestSeconds / factor
        else { return nil }
        return number * factor
    }
}

extension SettingsTable {
    /// A duration such as `30m` or `6h`, in seconds, at least `minimum` and at most ten years.
    public func duration(_ key: String, atLeast minimum: Int64) throws(ConfigurationError) -> Int64? {
        guard let text = try string(key) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            throw failure(key, "\"\(text)\" is not a duration such as 30m, 6h or 1d (at most 3650d)")
        }
        guard seconds >= minimum else { throw failure(key, "\(text) is shorter than the \(minimum) s minimum") }
        return seconds
    }
}
