/// ASCII classes of a byte, for parsers that read bytes (versions, host names) rather than
/// Unicode text.
extension UInt8 {
    @inlinable public var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    @inlinable public var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
}
