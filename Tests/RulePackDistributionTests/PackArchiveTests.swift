import RulePackDistribution
import Testing

/// Archives come from the network: what a hostile one can hold is refused before anything is
/// written to disk.
@Suite struct PackArchiveTests {
    /// A one-file archive whose header is then rewritten: another name, another type.
    func crafted(name: String, type: UInt8 = UInt8(ascii: "0"), fixChecksum: Bool = true) throws -> [UInt8] {
        var archive = try PackArchive.make([.init(path: "placeholder.yaml", bytes: Array("a: 1\n".utf8))])
        for index in 0..<100 { archive[index] = 0 }
        for (index, byte) in name.utf8.enumerated() { archive[index] = byte }
        archive[156] = type
        if fixChecksum {
            var sum = 0
            for index in 0..<512 { sum += (148..<156).contains(index) ? 32 : Int(archive[index]) }
            let digits = Array(String(sum, radix: 8).utf8)
            let field = [UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits + [0, 32]
            archive.replaceSubrange(148..<156, with: field)
        }
        return archive
    }

    @Test func whatWasWrittenIsReadBack() throws {
        let entries: [PackArchive.Entry] = [.init(path: "pack.yaml", bytes: Array("name: x\n".utf8)), .init(path: "a/b/c.yaml", bytes: [])]
        #expect(try PackArchive.entries(of: PackArchive.make(entries)) == entries)
        #expect(try PackArchive.entries(of: crafted(name: "ok.yaml")).map(\.path) == ["ok.yaml"])
    }

    @Test(arguments: ["../etc/passwd", "/etc/cron.d/x", "a/../../b", "a//b", "./a", "ssh yaml", "a\u{1}b"])
    func namesThatCouldLeaveThePackAreRefused(_ name: String) throws {
        #expect(throws: PackError.self) { try PackArchive.entries(of: crafted(name: name)) }
        #expect(throws: PackError.self) { try PackArchive.make([.init(path: name, bytes: [])]) }
    }

    @Test(arguments: [UInt8(ascii: "2"), UInt8(ascii: "1"), UInt8(ascii: "5"), UInt8(ascii: "x")])
    func linksDirectoriesAndOtherTypesAreRefused(_ type: UInt8) throws {
        #expect(throws: PackError.malformedArchive("the entry at byte 0 is not a regular file; only regular files may be in a pack")) {
            try PackArchive.entries(of: crafted(name: "link.yaml", type: type))
        }
    }

    @Test func damagedArchivesAreRefused() throws {
        let archive = try PackArchive.make([.init(path: "a.yaml", bytes: Array(repeating: 65, count: 700))])
        #expect(throws: PackError.malformedArchive("the header at byte 0 has a wrong checksum")) {
            try PackArchive.entries(of: crafted(name: "renamed.yaml", fixChecksum: false))
        }
        #expect(throws: PackError.self) { try PackArchive.entries(of: Array(archive.prefix(900))) }
        #expect(throws: PackError.self) { try PackArchive.entries(of: Array(archive.prefix(512 * 3))) }
        #expect(throws: PackError.self) { try PackArchive.entries(of: Array("not a tar file".utf8)) }
        let twice = try PackArchive.make([.init(path: "a.yaml", bytes: [])])
        #expect(throws: PackError.malformedArchive("a.yaml is in the archive twice")) {
            try PackArchive.entries(of: Array(twice.prefix(512)) + twice)
        }
    }
}
