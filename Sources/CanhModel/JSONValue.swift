/// A JSON value whose objects keep their keys in the order they were written.
///
/// Foundation's `JSONEncoder` orders keys arbitrarily; Canh's records are read by people
/// (`scan --format jsonl`, `findings --format json`), so the order of SPEC §5 is kept.
public enum JSONValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): a == b
        case let (.integer(a), .integer(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(serialized)
    }

    /// Compact JSON text on one line, UTF-8, with only the escapes RFC 8259 requires.
    public var serialized: String {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        write(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(into output: inout [UInt8]) {
        switch self {
        case .string(let text): JSONValue.writeString(text, into: &output)
        case .integer(let number): output += String(number).utf8
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        case .null: output += "null".utf8
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, (key, value)) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Copies runs of bytes that need no escape at once; Swift strings are valid UTF-8, so
    /// bytes of 0x80 and above pass through unchanged.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() {
                let escape: [UInt8]? =
                    switch byte {
                    case UInt8(ascii: "\""): Array("\\\"".utf8)
                    case UInt8(ascii: "\\"): Array("\\\\".utf8)
                    case 0x0A: Array("\\n".utf8)
                    case 0x0D: Array("\\r".utf8)
                    case 0x09: Array("\\t".utf8)
                    case 0x00..<0x20, 0x7F: unicodeEscape(byte)
                    default: nil
                    }
                guard let escape else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                output.append(contentsOf: escape)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func unicodeEscape(_ byte: UInt8) -> [UInt8] {
        Array("\\u00".utf8) + Array(StableDigest.hexString(CollectionOfOne(byte)).utf8)
    }
}
