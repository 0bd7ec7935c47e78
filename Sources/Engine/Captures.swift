import CanhModel

/// Named values captured from one entry's message, in the order the pattern declares them.
///
/// Most matching entries never make a rule fire, so values are decoded only when asked for:
/// a capture is a range in the entry's bytes. Typed captures (addresses) are validated and
/// normalised when the entry matches, because an invalid one means the entry does not match.
/// The names are the matcher's own array, shared, so a match allocates one array of values.
struct Captures {
    struct Value {
        let range: Range<Int>?
        let normalized: String?
    }

    private let bytes: [UInt8]
    private let names: [String]
    private let values: [Value]

    init() {
        bytes = []
        names = []
        values = []
    }

    /// - Parameter values: one per name, in the same order.
    init(bytes: [UInt8], names: [String], values: [Value]) {
        self.bytes = bytes
        self.names = names
        self.values = values
    }

    subscript(name: String) -> String? {
        guard let index = names.firstIndex(of: name) else { return nil }
        return value(of: values[index])
    }

    /// Whether `name` captured a non-empty value, without decoding it.
    func hasValue(_ name: String) -> Bool {
        guard let index = names.firstIndex(of: name) else { return false }
        let value = values[index]
        if let normalized = value.normalized { return !normalized.isEmpty }
        return value.range.map { !$0.isEmpty } ?? false
    }

    private func value(of value: Value) -> String? {
        if let normalized = value.normalized { return normalized }
        return value.range.map { String(journalBytes: bytes[$0]) }
    }

    /// `prefix`, a record separator, then the values of `keyNames` joined by a unit separator:
    /// the group key, in the form saved with the engine's state.
    func key(_ keyNames: [String], after prefix: String) -> String {
        var key = prefix
        key.unicodeScalars.append("\u{1E}")
        for (position, name) in keyNames.enumerated() {
            if position > 0 { key.unicodeScalars.append("\u{1F}") }
            if let value = self[name] { key += value }
        }
        return key
    }

    /// Every captured value, for a finding's evidence.
    var evidence: Evidence {
        Evidence(zip(names, values).compactMap { name, value in self.value(of: value).map { (name, .text($0)) } })
    }
}
