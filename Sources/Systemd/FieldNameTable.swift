import Glibc

/// The selected field names, laid out for the inner loop of reading: per first byte, the names
/// starting with it (compressed rows: `starts[b]..<starts[b + 1]` in `candidates`), and all
/// names' bytes in one buffer. Looking a field up costs no allocation and no reference counting.
struct FieldNameTable {
    private struct Name {
        var offset: Int
        var length: Int
    }

    private let names: [Name]
    private let bytes: [UInt8]
    private let starts: [Int]
    private let candidates: [Int]

    init(_ selected: [String]) {
        var names: [Name] = []
        var bytes: [UInt8] = []
        for name in selected {
            let utf8 = Array(name.utf8)
            names.append(Name(offset: bytes.count, length: utf8.count))
            bytes += utf8
        }
        var starts = [Int](repeating: 0, count: 257)
        var candidates: [Int] = []
        for first in 0..<256 {
            starts[first] = candidates.count
            for (index, name) in names.enumerated() where name.length > 0 && Int(bytes[name.offset]) == first {
                candidates.append(index)
            }
        }
        starts[256] = candidates.count
        self.names = names
        self.bytes = bytes
        self.starts = starts
        self.candidates = candidates
    }

    /// The index of the name that `field` ("NAME=value", `length` bytes) starts with, followed by "=".
    @inline(__always)
    func index(of field: UnsafePointer<UInt8>, length: Int) -> Int? {
        guard length > 1 else { return nil }
        let first = Int(field[0])
        for position in starts[first]..<starts[first + 1] {
            let index = candidates[position]
            let name = names[index]
            guard name.length < length, field[name.length] == 0x3D else { continue }
            let equal = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return false }
                return memcmp(base + name.offset, field, name.length) == 0
            }
            if equal { return index }
        }
        return nil
    }

    func length(ofName index: Int) -> Int { names[index].length }
}
