import CanhModel
import Glibc

/// Validates and normalises an IP address captured from a log line.
enum AddressNormalizer {
    /// The canonical text of an IPv4 or IPv6 address, with IPv4-mapped IPv6 (`::ffff:a.b.c.d`)
    /// reported as the IPv4 address; nil when the text is not an address.
    static func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // inet_pton wants a C string; addresses are short, so copy to the stack.
        guard bytes.count <= 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { text -> String? in
            for (index, byte) in bytes.enumerated() { text[index] = CChar(bitPattern: byte) }
            text[bytes.count] = 0
            guard let base = text.baseAddress else { return nil }
            var v4 = in_addr()
            if inet_pton(AF_INET, base, &v4) == 1 { return String(decoding: bytes, as: UTF8.self) }
            return normalizeIPv6(base)
        }
    }

    /// A host name as resolvers return it (RFC 1123: labels of letters, digits and inner
    /// hyphens, at most 63 bytes each and 253 in all, the last not all digits), lower-cased and
    /// without a final dot; nil for anything else.
    static func hostName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var name = Array(bytes)
        if name.last == UInt8(ascii: ".") { name.removeLast() }
        guard !name.isEmpty, name.count <= 253 else { return nil }
        let labels = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") })
            else { return nil }
        }
        guard let last = labels.last, !last.allSatisfy(\.isASCIIDigit) else { return nil }
        return String(decoding: name.map { $0.isASCIILetter ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func normalizeIPv6(_ text: UnsafePointer<CChar>) -> String? {
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
