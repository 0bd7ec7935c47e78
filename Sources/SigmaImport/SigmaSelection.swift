/// A Sigma selection: keywords (a list of values searched in the message), a mapping of
/// `field|modifiers: value(s)` (all must hold), or a list of mappings (any may hold).
enum SigmaSelection {
    static func expression(_ value: Any, name: String) throws(SigmaImportError) -> SigmaExpression {
        if let list = value as? [Any] {
            if list.allSatisfy({ SigmaImporter.scalar($0) != nil }) {
                return try values(list, field: nil, modifiers: [], selection: name)
            }
            var parts: [SigmaExpression] = []
            for element in list {
                guard let mapping = element as? [String: Any] else {
                    throw .notImportable("selection \(name) mixes values and mappings")
                }
                parts.append(try fields(mapping, selection: name))
            }
            return .or(parts)
        }
        if let mapping = value as? [String: Any] { return try fields(mapping, selection: name) }
        if SigmaImporter.scalar(value) != nil { return try values([value], field: nil, modifiers: [], selection: name) }
        throw .notImportable("selection \(name) is neither values nor a mapping of fields")
    }

    private static func fields(_ mapping: [String: Any], selection: String) throws(SigmaImportError) -> SigmaExpression {
        var parts: [SigmaExpression] = []
        for key in mapping.keys.sorted() {
            let pieces = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let field = pieces[0].isEmpty ? nil : pieces[0]
            let value = mapping[key] as Any
            let list: [Any] = (value as? [Any]) ?? [value]
            parts.append(try values(list, field: field, modifiers: Array(pieces.dropFirst()), selection: selection))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private static func values(_ list: [Any], field: String?, modifiers: [String], selection: String) throws(SigmaImportError)
        -> SigmaExpression
    {
        var comparison = FieldPredicate.Comparison.equals
        var all = false
        var cased = false
        var insensitiveRegex = false
        for modifier in modifiers {
            switch modifier.lowercased() {
            case "contains": comparison = .contains
            case "startswith": comparison = .startsWith
            case "endswith": comparison = .endsWith
            case "re": comparison = .regex
            case "cidr": comparison = .cidr
            case "all": all = true
            case "cased": cased = true
            case "i": insensitiveRegex = true
            case "m", "s": continue
            default:
                throw .notImportable("modifier \(modifier) (selection \(selection)) has no journal equivalent")
            }
        }
        // Keywords are searched anywhere in the message.
        if field == nil, comparison == .equals { comparison = .contains }
        var predicates: [SigmaExpression] = []
        for element in list {
            guard let text = SigmaImporter.scalar(element) else {
                throw .notImportable("a null or nested value in selection \(selection) (field presence is not expressible)")
            }
            if comparison == .cidr, IPv4Network.pattern(text) == nil {
                throw .notImportable("\(text) in selection \(selection) is not an IPv4 network (IPv6 networks are not expressible)")
            }
            let caseSensitive = comparison == .regex ? !insensitiveRegex : cased
            predicates.append(.predicate(FieldPredicate(field: field, comparison: comparison, value: text, caseSensitive: caseSensitive)))
        }
        guard !predicates.isEmpty else { throw .notImportable("selection \(selection) lists no value") }
        return predicates.count == 1 ? predicates[0] : (all ? .and(predicates) : .or(predicates))
    }
}
