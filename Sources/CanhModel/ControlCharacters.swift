/// Control characters in text that crosses a trust boundary: user names, host names and other
/// values an attacker writes into logs or records. In a record they would be stored and shown as
/// something other than what was matched (a NUL ends a C string); on a terminal they move the
/// cursor, erase lines and forge rows.
extension Unicode.Scalar {
    /// Unicode's category Cc: C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F).
    public var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }

    /// Characters that change how a terminal shows the text around them without being control
    /// characters: bidirectional embeddings, overrides and isolates ("Trojan Source"), and the
    /// line and paragraph separators.
    public var reordersText: Bool {
        switch value {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }
}

extension String {
    /// Whether any scalar is a control character (category Cc).
    public var containsControlCharacter: Bool { unicodeScalars.contains(where: \.isControlCharacter) }

    /// The text with every control character written as an escape (`\x1b`, `\u{85}`), so a value
    /// can be stored, compared and shown as the characters it was made of.
    public var escapingControlCharacters: String { escaping(where: \.isControlCharacter) }

    /// The text as a terminal may print it in a table cell: control characters and the characters
    /// that reorder text are escaped, so no value can add a row, move the cursor or change colours.
    public var terminalSafe: String { escaping { $0.isControlCharacter || $0.reordersText } }

    private func escaping(where needsEscape: (Unicode.Scalar) -> Bool) -> String {
        // Nearly every value is clean: check before building a new string.
        guard unicodeScalars.contains(where: needsEscape) else { return self }
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            guard needsEscape(scalar) else {
                escaped.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            let text = scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            escaped.append(contentsOf: text.unicodeScalars)
        }
        return String(escaped)
    }
}
