/// The start tags, end tags and text of machine-written XML (dnf's repomd.xml and updateinfo
/// files), in document order. Not a validating parser: it skips declarations, comments and
/// doctypes and decodes the five named entities and character references. Written here
/// rather than through FoundationXML so that every server running the agent does not need
/// libxml2 for two element names and their attributes.
struct XMLScanner {
    enum Event {
        case start(name: Substring, attributes: [Substring: String])
        case end(name: Substring)
        /// Raw text between tags; `XMLScanner.decode` turns it into a string when needed.
        case text(ArraySlice<UInt8>)
    }

    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "malformed XML at byte \(offset): \(reason)" }
    }

    /// Calls `handle` with each event; stops at the first malformed tag.
    static func scan(_ bytes: [UInt8], _ handle: (Event) throws(Malformed) -> Void) throws(Malformed) {
        let less = UInt8(ascii: "<")
        let greater = UInt8(ascii: ">")
        var index = 0
        while index < bytes.count {
            guard bytes[index] == less else {
                let end = bytes[index...].firstIndex(of: less) ?? bytes.count
                try handle(.text(bytes[index..<end]))
                index = end
                continue
            }
            if starts(bytes, at: index, with: "<!--") {
                index = try after(bytes, from: index, terminator: "-->")
            } else if starts(bytes, at: index, with: "<![CDATA[") {
                let end = try after(bytes, from: index, terminator: "]]>")
                try handle(.text(bytes[(index + 9)..<(end - 3)]))
                index = end
            } else if starts(bytes, at: index, with: "<?") || starts(bytes, at: index, with: "<!") {
                guard let end = bytes[index...].firstIndex(of: greater) else { throw Malformed(offset: index, reason: "unterminated tag") }
                index = end + 1
            } else {
                guard let end = tagEnd(bytes, from: index) else { throw Malformed(offset: index, reason: "unterminated tag") }
                let event = try tag(bytes, index, end)
                try handle(event)
                if bytes[end - 1] == UInt8(ascii: "/"), case .start(let name, _) = event { try handle(.end(name: name)) }
                index = end + 1
            }
        }
    }

    /// Text with its entities decoded.
    static func decode(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var output = ""
        var rest = Substring(String(decoding: raw, as: UTF8.self))
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            let decoded: String? =
                switch entity {
                case "lt": "<"
                case "gt": ">"
                case "amp": "&"
                case "quot": "\""
                case "apos": "'"
                default:
                    if entity.hasPrefix("#x") {
                        UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                    } else if entity.hasPrefix("#") {
                        UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                    } else {
                        nil
                    }
                }
            output += decoded ?? String(rest[ampersand...semicolon])
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    /// `<name a="1" b='2'>`, `</name>` or `<name/>` between `start` (`<`) and `end` (`>`).
    private static func tag(_ bytes: [UInt8], _ start: Int, _ end: Int) throws(Malformed) -> Event {
        let text = Substring(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))
        if text.hasPrefix("/") { return .end(name: text.dropFirst().prefix { !$0.isWhitespace }) }
        let name = text.prefix { !$0.isWhitespace && $0 != "/" }
        guard !name.isEmpty else { throw Malformed(offset: start, reason: "a tag without a name") }
        var attributes: [Substring: String] = [:]
        var rest = text[name.endIndex...]
        while let equals = rest.firstIndex(of: "=") {
            let attribute = rest[..<equals].trimmingPrefix { $0.isWhitespace }.prefix { !$0.isWhitespace }
            var value = rest[rest.index(after: equals)...].drop { $0.isWhitespace }
            guard let quote = value.first, quote == "\"" || quote == "'" else {
                throw Malformed(offset: start, reason: "attribute \(attribute) of <\(name)> is not quoted")
            }
            value = value.dropFirst()
            guard let close = value.firstIndex(of: quote) else {
                throw Malformed(offset: start, reason: "attribute \(attribute) of <\(name)> is not closed")
            }
            attributes[attribute] = decode(ArraySlice(value[..<close].utf8))
            rest = value[value.index(after: close)...]
        }
        return .start(name: name, attributes: attributes)
    }

    /// The `>` closing the tag at `start`, skipping any inside quoted attribute values.
    private static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func starts(_ bytes: [UInt8], at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
    }

    /// The index just past `terminator`, searched from `start`.
    private static func after(_ bytes: [UInt8], from start: Int, terminator: StaticString) throws(Malformed) -> Int {
        var index = start + 2
        while index < bytes.count {
            if starts(bytes, at: index, with: terminator) { return index + terminator.utf8CodeUnitCount }
            index += 1
        }
        throw Malformed(offset: start, reason: "unterminated \(terminator)")
    }
}
