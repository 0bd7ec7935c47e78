/// What a finding rests on: captured values, the journal cursor, a sample message, paths…
/// Keys keep the order in which the rule produced them.
public struct Evidence: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case text(String)
        case number(Int64)
        case list([String])

        public var json: JSONValue {
            switch self {
            case .text(let text): .string(text)
            case .number(let number): .integer(number)
            case .list(let items): .array(items.map(JSONValue.string))
            }
        }
    }

    public private(set) var entries: [(key: String, value: Value)] = []

    public init() {}

    public init(_ entries: [(String, Value)]) {
        for (key, value) in entries { self[key] = value }
    }

    /// Setting a key already present replaces its value in place; nil removes it.
    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let position = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[position].value = newValue } else { entries.remove(at: position) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public func text(_ key: String) -> String? {
        if case .text(let text) = self[key] { return text }
        return nil
    }

    public var isEmpty: Bool { entries.isEmpty }

    public var json: JSONValue { .object(entries.map { ($0.key, $0.value.json) }) }

    public static func == (lhs: Evidence, rhs: Evidence) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
