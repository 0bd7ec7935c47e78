extension String {
    /// Decodes journal bytes for display and records: valid UTF-8 is kept as it is, and every
    /// byte that is not part of a valid sequence is written as `\xNN`, so binary values stay
    /// visible and distinguishable instead of being dropped or replaced by U+FFFD.
    @inlinable
    public init(journalBytes bytes: some Collection<UInt8>) {
        // Almost every journal value is ASCII: decode it directly.
        if let ascii = bytes.withContiguousStorageIfAvailable(String.init(asciiBytes:)), let ascii {
            self = ascii
            return
        }
        self.init(escapingInvalid: Array(bytes))
    }

    /// The bytes as a string if they are all ASCII.
    @usableFromInline
    init?(asciiBytes buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer where byte >= 0x80 { return nil }
        self = String(decoding: buffer, as: UTF8.self)
    }

    @usableFromInline
    init(escapingInvalid array: [UInt8]) {
        if let valid = String(validating: array, as: UTF8.self) {
            self = valid
            return
        }
        var text = ""
        text.reserveCapacity(array.count + 16)
        var index = 0
        while index < array.count {
            let length = validSequenceLength(array, at: index)
            if length > 0 {
                text += String(decoding: array[index..<index + length], as: UTF8.self)
                index += length
            } else {
                text += "\\x" + StableDigest.hexString(CollectionOfOne(array[index]))
                index += 1
            }
        }
        self = text
    }
}

/// The length of the well-formed UTF-8 sequence starting at `index` (RFC 3629 table), or 0.
private func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    var secondRange: ClosedRange<UInt8> = 0x80...0xBF
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; secondRange = 0xA0...0xBF
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; secondRange = 0x80...0x9F
    case 0xF0: length = 4; secondRange = 0x90...0xBF
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; secondRange = 0x80...0x8F
    default: return 0
    }
    guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
    for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
        return 0
    }
    return length
}
