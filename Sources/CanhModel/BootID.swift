/// The 128-bit identifier of one boot of a host, as the journal records it (`_BOOT_ID`).
public struct BootID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hexadecimal digits, the form journald writes.
    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 32, let high = UInt64(String(decoding: bytes[0..<16], as: UTF8.self), radix: 16),
            let low = UInt64(String(decoding: bytes[16..<32], as: UTF8.self), radix: 16)
        else { return nil }
        self.init(high: high, low: low)
    }

    public static let unknown = BootID(high: 0, low: 0)

    /// 32 lowercase hexadecimal digits.
    public var description: String { hex(high) + hex(low) }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
