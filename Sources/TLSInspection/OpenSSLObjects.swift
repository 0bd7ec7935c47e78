internal import COpenSSL

/// An owned `X509 *`, freed when the last reference goes away.
final class X509Certificate {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }
}

/// An owned memory `BIO *`.
final class MemoryBIO {
    let pointer: OpaquePointer

    /// A read-only BIO over a copy of `bytes`.
    init?(reading bytes: [UInt8]) {
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else { return nil }
        // BIO_new_mem_buf does not copy; keep the bytes alive as long as the BIO.
        self.bytes = bytes
        pointer = bio
    }

    /// An empty writable BIO.
    init?() {
        guard let method = BIO_s_mem(), let bio = BIO_new(method) else { return nil }
        bytes = []
        pointer = bio
    }

    private let bytes: [UInt8]

    deinit { BIO_free(pointer) }

    /// Everything written to the BIO so far.
    func contents() -> String {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { BIO_read(pointer, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { break }
            output += buffer.prefix(Int(count))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// OpenSSL's error queue as text, emptied.
func openSSLErrorText() -> String {
    var messages: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
}
