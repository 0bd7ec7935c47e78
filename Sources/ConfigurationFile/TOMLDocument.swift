/// A TOML document as Canh's configuration files use it, with the line of every table and key,
/// so that a wrong or unknown setting is reported as `FILE:LINE`.
///
/// No TOML library resolves on the project's machines (TOMLKit 0.6.0 needs a package that is
/// not available), and the libraries that exist drop source positions after parsing. Canh's files
/// need a subset: `[table]` and `[[array of tables]]` headers, `key = value` with bare or quoted
/// keys, basic and literal strings, integers, booleans and arrays of those (over several lines,
/// with comments and a trailing comma). Anything else — floats, dates, inline tables, dotted keys,
/// multi-line strings — is refused with its line rather than misread.
public struct TOMLDocument: Sendable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case boolean(Bool)
        case array([Value])

        /// The kind of value, for messages ("expected a string, found an integer").
        public var kind: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .boolean: "a boolean"
            case .array: "an array"
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: Value
        public var line: Int
    }

    /// A table: the root (name ""), a `[name]` or one element of a `[[name]]`.
    public struct Table: Sendable {
        public var name: String
        public var isArrayElement: Bool
        public var line: Int
        public var entries: [Entry]
    }

    public var file: String
    /// Tables in the order they appear; the root table first.
    public var tables: [Table]

    public init(parsing text: String, file: String) throws(ConfigurationError) {
        self.file = file
        var tables = [Table(name: "", isArrayElement: false, line: 1, entries: [])]
        var scanner = Scanner(bytes: Array(text.utf8), file: file)
        while let line = try scanner.nextStatement() {
            switch line {
            case .header(let name, let isArray, let number):
                if !isArray, let earlier = tables.first(where: { $0.name == name }) {
                    throw ConfigurationError(
                        file: file, line: number, message: "[\(name)] is already defined on line \(earlier.line)")
                }
                if isArray, let earlier = tables.first(where: { $0.name == name && !$0.isArrayElement }) {
                    throw ConfigurationError(
                        file: file, line: number, message: "[[\(name)]] is already defined as a table on line \(earlier.line)")
                }
                tables.append(Table(name: name, isArrayElement: isArray, line: number, entries: []))
            case .assignment(let entry):
                let current = tables.count - 1
                if let earlier = tables[current].entries.first(where: { $0.key == entry.key }) {
                    throw ConfigurationError(
                        file: file, line: entry.line, message: "\(entry.key) is already set on line \(earlier.line)")
                }
                tables[current].entries.append(entry)
            }
        }
        self.tables = tables
    }
}

/// A setting that cannot be used, with where it is.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// Reads statements (a header or an assignment) one at a time.
private struct Scanner {
    enum Statement {
        case header(name: String, isArray: Bool, line: Int)
        case assignment(TOMLDocument.Entry)
    }

    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func failure(_ message: String, line: Int? = nil) -> ConfigurationError {
        ConfigurationError(file: file, line: line ?? self.line, message: message)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func nextStatement() throws(ConfigurationError) -> Statement? {
        skipBlankLinesAndComments()
        guard let byte = current else { return nil }
        let statement: Statement
        if byte == UInt8(ascii: "[") {
            statement = try header()
        } else {
            statement = .assignment(try assignment())
        }
        try endOfLine()
        return statement
    }

    mutating func skipSpaces() {
        while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { position += 1 }
    }

    mutating func skipComment() {
        guard current == UInt8(ascii: "#") else { return }
        while let byte = current, byte != UInt8(ascii: "\n") { position += 1 }
    }

    mutating func skipBlankLinesAndComments() {
        while true {
            skipSpaces()
            skipComment()
            if current == UInt8(ascii: "\r") { position += 1 }
            guard current == UInt8(ascii: "\n") else { return }
            position += 1
            line += 1
        }
    }

    mutating func endOfLine() throws(ConfigurationError) {
        skipSpaces()
        skipComment()
        if current == UInt8(ascii: "\r") { position += 1 }
        guard let byte = current else { return }
        guard byte == UInt8(ascii: "\n") else { throw failure("unexpected text after the value; one setting per line") }
        position += 1
        line += 1
    }

    mutating func header() throws(ConfigurationError) -> Statement {
        let number = line
        position += 1
        let isArray = current == UInt8(ascii: "[")
        if isArray { position += 1 }
        skipSpaces()
        var parts: [String] = []
        while true {
            parts.append(try key())
            skipSpaces()
            guard current == UInt8(ascii: ".") else { break }
            position += 1
            skipSpaces()
        }
        for closing in 0..<(isArray ? 2 : 1) {
            guard current == UInt8(ascii: "]") else {
                throw failure(closing == 0 ? "expected ] to end the table name" : "expected ]] to end the array-of-tables name")
            }
            position += 1
        }
        return .header(name: parts.joined(separator: "."), isArray: isArray, line: number)
    }

    mutating func assignment() throws(ConfigurationError) -> TOMLDocument.Entry {
        let number = line
        let name = try key()
        skipSpaces()
        if current == UInt8(ascii: ".") {
            throw failure("dotted keys (\(name).…) are not used in Canh's configuration; write a [\(name)] table")
        }
        guard current == UInt8(ascii: "=") else { throw failure("expected = after \(name)") }
        position += 1
        skipSpaces()
        return TOMLDocument.Entry(key: name, value: try value(for: name), line: number)
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    mutating func key() throws(ConfigurationError) -> String {
        if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") { return try string(for: "a key") }
        let start = position
        while let byte = current, Self.isBareKeyByte(byte) { position += 1 }
        guard position > start else { throw failure("expected a key (letters, digits, _ or -)") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func value(for name: String) throws(ConfigurationError) -> TOMLDocument.Value {
        guard let byte = current, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#") else {
            throw failure("\(name) has no value")
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string(for: name))
        case UInt8(ascii: "["): return try array(for: name)
        case UInt8(ascii: "{"): throw failure("\(name): inline tables are not used in Canh's configuration; write a [table]")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean(try boolean(for: name))
        default: return .integer(try integer(for: name))
        }
    }

    mutating func word() -> String {
        let start = position
        while let byte = current, byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: " "),
            byte != UInt8(ascii: "\t"), byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#")
        {
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func boolean(for name: String) throws(ConfigurationError) -> Bool {
        switch word() {
        case "true": return true
        case "false": return false
        case let other: throw failure("\(name): \(other) is not a value (true, false, a number, \"text\" or [a, list])")
        }
    }

    mutating func integer(for name: String) throws(ConfigurationError) -> Int64 {
        let text = word()
        let digits = text.replacingUnderscores()
        guard let number = Int64(digits), !text.hasPrefix("_"), !text.hasSuffix("_"), !text.contains("__") else {
            let characters = Array(text)
            if characters.count >= 10, characters[0..<4].allSatisfy(\.isNumber), characters[4] == "-" {
                throw failure("\(name): \(text): dates are not used in Canh's configuration; give a \"text\" value")
            }
            let numeric = characters.first.map { $0.isNumber || $0 == "+" || $0 == "-" } ?? false
            if numeric, text.contains(".") || text.contains("e") || text.contains("E") {
                throw failure("\(name): \(text): fractions are not used in Canh's configuration; give a whole number")
            }
            throw failure("\(name): \(text) is not a value (true, false, a number, \"text\" or [a, list])")
        }
        return number
    }

    mutating func array(for name: String) throws(ConfigurationError) -> TOMLDocument.Value {
        let start = line
        position += 1
        var elements: [TOMLDocument.Value] = []
        while true {
            skipBlankLinesAndComments()
            guard let byte = current else { throw failure("\(name): the list opened here is not closed with ]", line: start) }
            if byte == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            elements.append(try value(for: name))
            skipBlankLinesAndComments()
            if current == nil {
                throw failure("\(name): the list opened here is not closed with ]", line: start)
            } else if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "]") {
                throw failure("\(name): expected , or ] in the list")
            }
        }
    }

    mutating func string(for name: String) throws(ConfigurationError) -> String {
        let quote = bytes[position]
        if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
            throw failure("\(name): multi-line strings are not used in Canh's configuration")
        }
        position += 1
        var text: [UInt8] = []
        while true {
            guard let byte = current, byte != UInt8(ascii: "\n") else { throw failure("\(name): the string is not closed") }
            position += 1
            if byte == quote { break }
            guard quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") else {
                text.append(byte)
                continue
            }
            guard let escape = current else { throw failure("\(name): the string is not closed") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): text.append(escape)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let length = escape == UInt8(ascii: "u") ? 4 : 8
                guard position + length <= bytes.count,
                    let code = UInt32(String(decoding: bytes[position..<position + length], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { throw failure("\(name): invalid \\u escape") }
                position += length
                text += Array(String(Character(scalar)).utf8)
            default: throw failure("\(name): unknown escape \\\(Character(Unicode.Scalar(escape)))")
            }
        }
        guard let decoded = String(validating: text, as: UTF8.self) else { throw failure("\(name): the text is not valid UTF-8") }
        return decoded
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
