/// One alternative of a Canh `match:` list built from one conjunction of a Sigma detection:
/// exact field values, and one PCRE2 pattern on MESSAGE made of lookaheads.
struct MatchAlternative: Equatable {
    var fields: [(field: String, values: [String])]
    var message: String?

    static func == (a: MatchAlternative, b: MatchAlternative) -> Bool {
        a.message == b.message && a.fields.map(\.field) == b.fields.map(\.field) && a.fields.map(\.values) == b.fields.map(\.values)
    }
}

enum MatchBuilder {
    /// The alternative for `literals`, or nil when they contradict (one field, two values).
    static func alternative(_ literals: [Literal], source: JournalSource) throws(SigmaImportError) -> MatchAlternative? {
        var fields = source.fields
        var lookaheads: [String] = []
        for literal in literals {
            let predicate = literal.predicate
            switch try fieldRole(predicate.field, source: source) {
            case .message:
                lookaheads.append(lookahead(messageAtom(predicate), negated: literal.negated))
            case .auditText("type") where !literal.negated && predicate.comparison == .equals && !hasWildcard(predicate.value):
                // The record type is a field of its own: exact, and cheap to test.
                if let index = fields.firstIndex(where: { $0.field == "_AUDIT_TYPE_NAME" }) {
                    guard fields[index].values.contains(predicate.value.uppercased()) else { return nil }
                } else {
                    fields.append(("_AUDIT_TYPE_NAME", [predicate.value.uppercased()]))
                }
            case .auditText("type"):
                lookaheads.append(lookahead(auditTypeAtom(predicate), negated: literal.negated))
            case .auditText(let name):
                lookaheads.append(lookahead(auditAtom(name, predicate), negated: literal.negated))
            case .journalField(let name):
                if name == "MESSAGE" {
                    lookaheads.append(lookahead(messageAtom(predicate), negated: literal.negated))
                    continue
                }
                guard !literal.negated, predicate.comparison == .equals, !hasWildcard(predicate.value) else {
                    throw .notImportable(
                        "the journal field \(name) can only be required equal to a value without wildcards, not negated or with modifiers")
                }
                if let index = fields.firstIndex(where: { $0.field == name }) {
                    guard fields[index].values.contains(predicate.value) else { return nil }
                    fields[index].values = [predicate.value]
                } else {
                    fields.append((name, [predicate.value]))
                }
            }
        }
        return MatchAlternative(fields: fields, message: lookaheads.isEmpty ? nil : "(?s)^" + lookaheads.joined())
    }

    private enum FieldRole {
        case message
        case auditText(String)
        case journalField(String)
    }

    private static func fieldRole(_ field: String?, source: JournalSource) throws(SigmaImportError) -> FieldRole {
        guard let field else { return .message }
        // Journal field names are upper case (MESSAGE, SYSLOG_IDENTIFIER, _COMM, _EXE).
        if field.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }), field.contains(where: \.isLetter) {
            return .journalField(field)
        }
        if source.isAudit { return .auditText(field) }
        throw .notImportable(
            "field \(field) has no journal equivalent for this log source; use keywords or a journal field name (MESSAGE, SYSLOG_IDENTIFIER, _COMM, _EXE)"
        )
    }

    private static func lookahead(_ atom: String, negated: Bool) -> String { (negated ? "(?!" : "(?=") + atom + ")" }

    /// The value as a pattern: Sigma's `*` and `?` wildcards (unless escaped), everything else literal.
    static func valuePattern(_ predicate: FieldPredicate) -> String {
        switch predicate.comparison {
        case .regex: return predicate.caseSensitive ? "(?:\(predicate.value))" : "(?i:\(predicate.value))"
        case .cidr: return IPv4Network.pattern(predicate.value) ?? "(?!)"
        default:
            var pattern = ""
            var escaped = false
            for character in predicate.value {
                if escaped {
                    pattern += literal(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "*" {
                    pattern += ".*"
                } else if character == "?" {
                    pattern += "."
                } else {
                    pattern += literal(character)
                }
            }
            if escaped { pattern += literal("\\") }
            return predicate.caseSensitive ? pattern : "(?i:\(pattern))"
        }
    }

    private static func literal(_ character: Character) -> String {
        "\\^$.|?*+()[]{}/#-".contains(character) || character == " " ? "\\" + String(character) : String(character)
    }

    static func hasWildcard(_ value: String) -> Bool {
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" || character == "?" {
                return true
            }
        }
        return false
    }

    /// A lookahead body on the whole message, anchored at its start.
    private static func messageAtom(_ predicate: FieldPredicate) -> String {
        let value = valuePattern(predicate)
        return switch predicate.comparison {
        case .equals: value + "$"
        case .startsWith: value
        case .endsWith: ".*" + value + "$"
        case .contains, .regex: ".*" + value
        case .cidr: ".*(?<![0-9.])" + value + "(?![0-9.])"
        }
    }

    /// The record type, the message's first word (`SYSCALL arch=…`).
    private static func auditTypeAtom(_ predicate: FieldPredicate) -> String {
        let value = valuePattern(predicate)
        return switch predicate.comparison {
        case .equals: value + "(?!\\S)"
        case .startsWith: value
        case .endsWith: "\\S*" + value + "(?!\\S)"
        case .contains, .regex, .cidr: "\\S*" + value
        }
    }

    /// A lookahead body on auditd's `name=value` or `name="value"` in the message.
    private static func auditAtom(_ name: String, _ predicate: FieldPredicate) -> String {
        let value = valuePattern(predicate)
        let field = ".*(?<!\\S)" + name.map { literal($0) }.joined() + "="
        return switch predicate.comparison {
        case .equals: field + "(?:\"" + value + "\"|" + value + ")(?![^\\s])"
        case .startsWith: field + "\"?" + value
        case .endsWith: field + "(?:\"[^\"]*" + value + "\"|[^\\s\"]*" + value + ")(?![^\\s])"
        case .contains, .regex: field + "(?:\"[^\"]*" + value + "|[^\\s\"]*" + value + ")"
        case .cidr: field + "\"?" + value + "(?![0-9.])"
        }
    }
}

/// `10.0.0.0/8` as a pattern matching exactly the IPv4 addresses in it.
enum IPv4Network {
    static func pattern(_ network: String) -> String? {
        let parts = network.split(separator: "/")
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length) else { return nil }
        let octets = parts[0].split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        let anyOctet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
        var pieces: [String] = []
        for index in 0..<4 {
            let bits = max(0, min(8, length - index * 8))
            if bits == 8 {
                pieces.append(String(octets[index]))
            } else if bits == 0 {
                pieces.append(anyOctet)
            } else {
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                let low = Int(octets[index] & mask)
                let high = low + (1 << (8 - bits)) - 1
                pieces.append("(?:" + (low...high).reversed().map(String.init).joined(separator: "|") + ")")
            }
        }
        return "(?:" + pieces.joined(separator: "\\.") + ")"
    }
}
