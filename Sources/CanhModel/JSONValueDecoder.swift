/// Decodes a `Decodable` value from JSON text read by `JSONParser`: the counterpart of
/// `JSONValueEncoder`, for what Canh writes itself and reads often (the collector's alert
/// dispatcher reads every queued message; `JSONDecoder` cost about 80,000 instructions per
/// message there). Numbers are integers, as `JSONValue` holds them.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        let value: JSONValue
        do { value = try JSONParser.parse(Array(text.utf8)) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description))
        }
        return try decode(type, from: value)
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue) throws -> Value {
        try Value(from: ValueDecoder(value: value, parentPath: [], key: nil))
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let parentPath: [any CodingKey]
    let key: (any CodingKey)?
    var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: String].self, value, codingPath) }
        var byKey: [String: JSONValue] = [:]
        for (key, member) in members { byKey[key] = member }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: byKey, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([String].self, value, codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }
}

// Paths are built only for an error: most values decode, and an array per value is what made
// generic decoders slow.
private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: @autoclosure () -> [any CodingKey]) -> DecodingError {
    let found =
        switch value {
        case .string: "a string"
        case .integer: "an integer"
        case .bool: "a boolean"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    return DecodingError.typeMismatch(type, .init(codingPath: codingPath(), debugDescription: "expected \(type), found \(found)"))
}

/// One JSON value as the type asked for.
private func primitive<Number: FixedWidthInteger>(
    _ type: Number.Type, _ value: JSONValue, _ codingPath: @autoclosure () -> [any CodingKey]
) throws -> Number {
    guard case .integer(let number) = value else { throw mismatch(type, value, codingPath()) }
    guard let exact = Number(exactly: number) else {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "\(number) does not fit \(type)"))
    }
    return exact
}

private func string(_ value: JSONValue, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> String {
    guard case .string(let text) = value else { throw mismatch(String.self, value, codingPath()) }
    return text
}

private func bool(_ value: JSONValue, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
    guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, codingPath()) }
    return flag
}

private func floatingPoint(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "JSONValueDecoder reads no floating-point numbers"))
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var value: JSONValue { decoder.value }
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { throw floatingPoint(type, value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { throw floatingPoint(type, value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try primitive(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try primitive(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type, value, codingPath) }
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try Value(from: decoder) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(member(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw floatingPoint(type, try member(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw floatingPoint(type, try member(key), codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, member(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, member(key), codingPath + [key]) }

    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try Value(from: ValueDecoder(value: try member(key), parentPath: codingPath, key: key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try member(key), parentPath: codingPath, key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try member(key), parentPath: codingPath, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: members["super"] ?? .null, parentPath: codingPath, key: nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: members[key.stringValue] ?? .null, parentPath: codingPath, key: key)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    /// The next element and its path; the index moves on only when it was decoded.
    private mutating func next<Value>(_ read: (JSONValue, [any CodingKey]) throws -> Value) throws -> Value {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Value.self, .init(codingPath: path, debugDescription: "the array has no more elements"))
        }
        let value = try read(elements[currentIndex], path)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try bool($0, $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try string($0, $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { throw floatingPoint(type, $0, $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { throw floatingPoint(type, $0, $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try primitive(type, $0, $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try primitive(type, $0, $1) } }

    mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try next { try Value(from: ValueDecoder(value: $0, parentPath: $1, key: nil)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try ValueDecoder(value: $0, parentPath: $1, key: nil).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try ValueDecoder(value: $0, parentPath: $1, key: nil).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { try next { ValueDecoder(value: $0, parentPath: $1, key: nil) } }
}
