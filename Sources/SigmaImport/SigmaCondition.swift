import Glibc

/// Sigma's `condition:` language: selection names (with `*` wildcards), `and`, `or`, `not`,
/// parentheses, `1 of PATTERN`, `any of PATTERN`, `all of PATTERN` and `them`. Aggregations
/// after a pipe are refused by the caller's error.
struct SigmaCondition {
    private var tokens: [String]
    private var position = 0
    private let selections: [String: SigmaExpression]

    static func parse(_ text: String, selections: [String: SigmaExpression]) throws(SigmaImportError) -> SigmaExpression {
        if text.contains("|") {
            throw .notImportable("the condition aggregates (\"|\"); write a threshold rule instead")
        }
        var parser = SigmaCondition(tokens: tokenize(text), selections: selections)
        let expression = try parser.orExpression()
        guard parser.position == parser.tokens.count else {
            throw .notImportable("the condition has \"\(parser.tokens[parser.position])\" where it should end")
        }
        return expression
    }

    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" || character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private var next: String? { position < tokens.count ? tokens[position] : nil }

    private mutating func orExpression() throws(SigmaImportError) -> SigmaExpression {
        var parts = [try andExpression()]
        while next?.lowercased() == "or" {
            position += 1
            parts.append(try andExpression())
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func andExpression() throws(SigmaImportError) -> SigmaExpression {
        var parts = [try unary()]
        while next?.lowercased() == "and" {
            position += 1
            parts.append(try unary())
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func unary() throws(SigmaImportError) -> SigmaExpression {
        guard let token = next else { throw .notImportable("the condition ends early") }
        position += 1
        switch token.lowercased() {
        case "not": return .not(try unary())
        case "(":
            let inner = try orExpression()
            guard next == ")" else { throw .notImportable("a parenthesis of the condition is not closed") }
            position += 1
            return inner
        case "1", "any", "all":
            guard next?.lowercased() == "of", position + 1 < tokens.count else {
                throw .notImportable("\"\(token)\" in the condition must be followed by \"of PATTERN\"")
            }
            let pattern = tokens[position + 1]
            position += 2
            let matching = matchingSelections(pattern)
            guard !matching.isEmpty else { throw .notImportable("no selection matches \"\(pattern)\" in the condition") }
            return token.lowercased() == "all" ? .and(matching) : .or(matching)
        default:
            guard let selection = selections[token] else {
                throw .notImportable("the condition names \"\(token)\", which is not a selection of the detection")
            }
            return selection
        }
    }

    /// The selections whose names match `them` or a pattern with `*`, in name order.
    private func matchingSelections(_ pattern: String) -> [SigmaExpression] {
        selections.keys.sorted().filter { name in
            // Sigma's `*` and `?`, as the shell matches them (SSHCryptoCheck uses the same call).
            pattern == "them" ? !name.hasPrefix("_") : fnmatch(pattern, name, 0) == 0
        }.compactMap { selections[$0] }
    }
}
