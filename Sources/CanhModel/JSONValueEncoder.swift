/// Encodes an `Encodable` value as a `JSONValue` whose objects have their keys sorted, so that
/// the text is the same for the same value (what `JSONEncoder` with `.sortedKeys` gives).
///
/// The collector writes an alert message for every matching change inside the ingest
/// transaction, on the one thread every batch waits for; Foundation's `JSONEncoder` cost about
/// 255,000 instructions per message there, this encoder about 150,000 (docs/benchmarks.md).
/// It knows what Canh's messages are made of — strings, integers, booleans, nested keyed and
/// unkeyed containers — and refuses floating-point numbers, which none of them hold and which
/// `JSONValue` cannot represent.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Slot()
        try value.encode(to: ValueEncoder(slot: root, parentPath: [], key: nil))
        return root.resolved
    }
}

/// Where one value is being written; containers hold slots, resolved once encoding is done.
private final class Slot {
    enum Content {
        case unset
        case leaf(JSONValue)
        case object(ObjectStorage)
        case array(ArrayStorage)
    }

    var content = Content.unset

    var resolved: JSONValue {
        switch content {
        case .unset: .object([])
        case .leaf(let value): value
        case .object(let storage):
            .object(storage.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value.resolved) })
        case .array(let storage): .array(storage.elements.map(\.resolved))
        }
    }

    func object() -> ObjectStorage {
        if case .object(let storage) = content { return storage }
        let storage = ObjectStorage()
        content = .object(storage)
        return storage
    }

    func array() -> ArrayStorage {
        if case .array(let storage) = content { return storage }
        let storage = ArrayStorage()
        content = .array(storage)
        return storage
    }
}

private final class ObjectStorage {
    var members: [String: Slot] = [:]

    func slot(for key: String) -> Slot {
        let slot = Slot()
        members[key] = slot
        return slot
    }
}

private final class ArrayStorage {
    var elements: [Slot] = []

    func append() -> Slot {
        let slot = Slot()
        elements.append(slot)
        return slot
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { String(intValue ?? 0) }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

// Paths are built only for an error (an array per value is what makes generic encoders slow).
private func unsupported(_ value: Any, _ codingPath: [any CodingKey]) -> EncodingError {
    EncodingError.invalidValue(
        value, .init(codingPath: codingPath, debugDescription: "JSONValueEncoder holds no floating-point numbers"))
}

private func integer<Number: BinaryInteger>(_ number: Number, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
    guard let value = Int64(exactly: number) else {
        throw EncodingError.invalidValue(number, .init(codingPath: codingPath(), debugDescription: "\(number) is beyond a 64-bit integer"))
    }
    return .integer(value)
}

private struct ValueEncoder: Encoder {
    let slot: Slot
    let parentPath: [any CodingKey]
    let key: (any CodingKey)?
    var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(storage: slot.object(), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(storage: slot.array(), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var slot: Slot { encoder.slot }
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { slot.content = .leaf(.null) }
    mutating func encode(_ value: Bool) throws { slot.content = .leaf(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.content = .leaf(.string(value)) }
    mutating func encode(_ value: Double) throws { throw unsupported(value, codingPath) }
    mutating func encode(_ value: Float) throws { throw unsupported(value, codingPath) }
    mutating func encode(_ value: Int) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: Int8) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: Int16) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: Int32) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: Int64) throws { slot.content = .leaf(.integer(value)) }
    mutating func encode(_ value: UInt) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: UInt8) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: UInt16) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: UInt32) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: UInt64) throws { slot.content = .leaf(try integer(value, codingPath)) }
    mutating func encode(_ value: some Encodable) throws { try value.encode(to: encoder) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: ObjectStorage
    let codingPath: [any CodingKey]

    private func leaf(_ value: JSONValue, _ key: Key) { storage.slot(for: key.stringValue).content = .leaf(value) }

    mutating func encodeNil(forKey key: Key) throws { leaf(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { leaf(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { leaf(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw unsupported(value, codingPath + [key]) }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw unsupported(value, codingPath + [key]) }
    mutating func encode(_ value: Int, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { leaf(.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { leaf(try integer(value, codingPath + [key]), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try value.encode(to: ValueEncoder(slot: storage.slot(for: key.stringValue), parentPath: codingPath, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(
            KeyedContainer<NestedKey>(storage: storage.slot(for: key.stringValue).object(), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedContainer(storage: storage.slot(for: key.stringValue).array(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(slot: storage.slot(for: "super"), parentPath: codingPath, key: nil) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(slot: storage.slot(for: key.stringValue), parentPath: codingPath, key: key)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let storage: ArrayStorage
    let codingPath: [any CodingKey]
    var count: Int { storage.elements.count }

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() throws { storage.append().content = .leaf(.null) }
    mutating func encode(_ value: Bool) throws { storage.append().content = .leaf(.bool(value)) }
    mutating func encode(_ value: String) throws { storage.append().content = .leaf(.string(value)) }
    mutating func encode(_ value: Double) throws { throw unsupported(value, nextPath) }
    mutating func encode(_ value: Float) throws { throw unsupported(value, nextPath) }
    mutating func encode(_ value: Int64) throws { storage.append().content = .leaf(.integer(value)) }
    mutating func encode(_ value: Int) throws {
        let leaf = try integer(value, nextPath)
        storage.append().content = .leaf(leaf)
    }

    mutating func encode(_ value: some Encodable) throws {
        let path = nextPath
        try value.encode(to: ValueEncoder(slot: storage.append(), parentPath: path, key: nil))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: storage.append().object(), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        return UnkeyedContainer(storage: storage.append().array(), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        return ValueEncoder(slot: storage.append(), parentPath: path, key: nil)
    }
}
