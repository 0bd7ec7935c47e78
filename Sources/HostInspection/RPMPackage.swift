import CanhModel

/// An rpm package: name, version and architecture, as an rpm header names it (a blob of
/// rpmdb.sqlite's `Packages` table) or an advisory lists it. The header is in rpm's
/// exported header layout: big-endian index count and data length, sixteen-byte index
/// entries (tag, type, offset into the data, count), then the data. Only the tags naming the
/// package are read; every offset is checked, since the database is a file like any other.
struct RPMPackage: Equatable {
    var name: String
    var version: RPMVersion
    var architecture: String

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private enum Tag: UInt32 {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, architecture = 1022
    }

    private static let stringType: UInt32 = 6
    private static let int32Type: UInt32 = 4
    /// rpm's own limits on an exported header (hdrMaxIndex, hdrMaxData).
    private static let maximumEntries = 0xFFFF
    private static let maximumData = 0x0FFF_FFFF

    init(name: String, version: RPMVersion, architecture: String) {
        self.name = name
        self.version = version
        self.architecture = architecture
    }

    init(header blob: [UInt8]) throws(Malformed) {
        guard blob.count >= 8 else { throw Malformed(description: "a header of \(blob.count) bytes") }
        let entries = Int(Self.word(blob, 0))
        let dataLength = Int(Self.word(blob, 4))
        guard entries <= Self.maximumEntries, dataLength <= Self.maximumData else {
            throw Malformed(description: "\(entries) index entries and \(dataLength) bytes of data exceed rpm's limits")
        }
        let dataStart = 8 + entries * 16
        guard dataStart + dataLength <= blob.count else {
            throw Malformed(description: "\(entries) index entries and \(dataLength) bytes of data in a header of \(blob.count) bytes")
        }
        var strings: [Tag: String] = [:]
        var epoch = 0
        for entry in 0..<entries {
            let at = 8 + entry * 16
            guard let tag = Tag(rawValue: Self.word(blob, at)) else { continue }
            let type = Self.word(blob, at + 4)
            let offset = Int(Self.word(blob, at + 8))
            guard offset < dataLength else { throw Malformed(description: "tag \(tag.rawValue) points past the data") }
            let start = dataStart + offset
            switch (tag, type) {
            case (.epoch, Self.int32Type):
                guard offset + 4 <= dataLength else { throw Malformed(description: "the epoch runs past the data") }
                epoch = Int(Self.word(blob, start))
            case (_, Self.stringType) where tag != .epoch:
                let end = dataStart + dataLength
                guard let terminator = blob[start..<end].firstIndex(of: 0) else {
                    throw Malformed(description: "tag \(tag.rawValue) is not a terminated string")
                }
                strings[tag] = String(decoding: blob[start..<terminator], as: UTF8.self)
            default:
                throw Malformed(description: "tag \(tag.rawValue) has type \(type)")
            }
        }
        guard let name = strings[.name], let version = strings[.version] else {
            throw Malformed(description: "no name or version tag")
        }
        self.name = name
        self.version = RPMVersion(epoch: epoch, version: version, release: strings[.release] ?? "")
        // gpg-pubkey pseudo-packages have no architecture.
        architecture = strings[.architecture] ?? "noarch"
    }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}
