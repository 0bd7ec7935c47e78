/// A Sigma detection reduced to what the journal can test: predicates on one field (or on the
/// message, for keywords), combined with and, or and not.
indirect enum SigmaExpression: Equatable {
    case predicate(FieldPredicate)
    case and([SigmaExpression])
    case or([SigmaExpression])
    case not(SigmaExpression)

    /// The disjunctive normal form: alternatives, each a conjunction of possibly negated
    /// predicates. nil when it would need more than `limit` alternatives.
    func alternatives(limit: Int) -> [[Literal]]? {
        switch self {
        case .predicate(let predicate): return [[Literal(predicate: predicate, negated: false)]]
        case .not(let inner): return inner.negatedAlternatives(limit: limit)
        case .or(let parts):
            var result: [[Literal]] = []
            for part in parts {
                guard let alternatives = part.alternatives(limit: limit) else { return nil }
                result += alternatives
                if result.count > limit { return nil }
            }
            return result
        case .and(let parts):
            var result: [[Literal]] = [[]]
            for part in parts {
                guard let alternatives = part.alternatives(limit: limit) else { return nil }
                result = result.flatMap { left in alternatives.map { left + $0 } }
                if result.count > limit { return nil }
            }
            return result
        }
    }

    /// De Morgan: not (a and b) = not a or not b; not (a or b) = not a and not b.
    private func negatedAlternatives(limit: Int) -> [[Literal]]? {
        switch self {
        case .predicate(let predicate): return [[Literal(predicate: predicate, negated: true)]]
        case .not(let inner): return inner.alternatives(limit: limit)
        case .and(let parts): return SigmaExpression.or(parts.map(SigmaExpression.not)).alternatives(limit: limit)
        case .or(let parts): return SigmaExpression.and(parts.map(SigmaExpression.not)).alternatives(limit: limit)
        }
    }
}

struct Literal: Equatable {
    var predicate: FieldPredicate
    var negated: Bool
}

/// `field|modifiers: value` for one value: how the field's text must compare.
struct FieldPredicate: Equatable {
    enum Comparison: Equatable {
        /// The whole value, with Sigma's `*` and `?` wildcards.
        case equals
        case contains
        case startsWith
        case endsWith
        /// A PCRE pattern searched anywhere in the value.
        case regex
        /// An IPv4 network (`10.0.0.0/8`).
        case cidr
    }

    /// nil for keywords: the whole message.
    var field: String?
    var comparison: Comparison
    var value: String
    /// Sigma compares text without regard to case unless `|cased` (and `re` unless `|i`).
    var caseSensitive: Bool
}
