import CanhModel
import Foundation
import GRDB
import TestSupport
import Testing

@testable import HostInspection

/// What the patch checks read on the RHEL family: rpmdb.sqlite's header blobs and the security
/// advisories dnf cached, from trees laid out like a host.
@Suite struct RPMReaderTests {
    /// An exported rpm header as rpm stores it in rpmdb.sqlite: index count and data length,
    /// sixteen-byte entries (tag, type, offset, count), then the data; all big-endian. A
    /// summary (an i18n string rpm puts among the naming tags) must be skipped.
    static func header(name: String, epoch: Int? = nil, version: String, release: String, architecture: String?) -> [UInt8] {
        var entries: [(tag: UInt32, type: UInt32, offset: Int)] = []
        var data: [UInt8] = []
        func string(_ tag: UInt32, _ value: String, type: UInt32 = 6) {
            entries.append((tag, type, data.count))
            data += Array(value.utf8) + [0]
        }
        string(1000, name)
        string(1001, version)
        string(1002, release)
        string(1004, "a test package", type: 9)
        if let epoch {
            while data.count % 4 != 0 { data.append(0) }
            entries.append((1003, 4, data.count))
            data += bigEndian(UInt32(epoch))
        }
        if let architecture { string(1022, architecture) }
        var blob = bigEndian(UInt32(entries.count)) + bigEndian(UInt32(data.count))
        for entry in entries { blob += bigEndian(entry.tag) + bigEndian(entry.type) + bigEndian(UInt32(entry.offset)) + bigEndian(1) }
        return blob + data
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    static func database(_ path: String, _ blobs: [[UInt8]]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
            for blob in blobs { try db.execute(sql: "INSERT INTO Packages (blob) VALUES (?)", arguments: [Data(blob)]) }
        }
    }

    /// A repository's cache as dnf leaves it: repomd.xml and, when given, its gzip'd updateinfo.
    static func repository(_ tree: TemporaryDirectory, _ directory: String, published: Int64, updateInfo: String?) async throws {
        let base = "var/cache/dnf/\(directory)/repodata/"
        let updateInfoData =
            updateInfo == nil
            ? ""
            : """
              <data type="updateinfo">
                <checksum type="sha256">9f1c</checksum>
                <location href="repodata/9f1c-updateinfo.xml.gz"/>
                <timestamp>\(published)</timestamp>
              </data>
            """
        try tree.write(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
              <revision>\(published)</revision>
              <data type="primary">
                <location href="repodata/51ab-primary.xml.gz"/>
                <timestamp>\(published - 3600)</timestamp>
              </data>
            \(updateInfoData)
            </repomd>
            """, to: base + "repomd.xml")
        if let updateInfo {
            let file = try tree.write(updateInfo, to: base + "9f1c-updateinfo.xml")
            #expect(try await ProcessRunner.run("/bin/gzip", [file]).status == 0)
        }
    }

    static let advisories = """
        <?xml version="1.0" encoding="UTF-8"?>
        <updates>
          <update from="releng@rockylinux.org" status="final" type="security" version="2">
            <id>RLSA-2026:1001</id>
            <title>Important: openssl &amp; friends security update</title>
            <description><![CDATA[Fixes <package name="bash" version="99" release="1" arch="x86_64"/> in text only.]]></description>
            <pkglist><collection short="rocky-baseos-9.5">
              <package name="openssl" version="3.0.7" release="25.el9_3" epoch="1" arch="x86_64"><filename>openssl-3.0.7-25.el9_3.x86_64.rpm</filename></package>
              <package name="openssl" version="3.0.7" release="25.el9_3" epoch="1" arch="i686"/>
            </collection></pkglist>
          </update>
          <update type="security"><id>RLSA-2026:1002</id><pkglist><collection>
            <package name="kernel" version="5.14.0" release="503.11.1.el9_5" epoch="0" arch="x86_64"/>
          </collection></pkglist></update>
          <update type='security'><id>RLSA-2026:1003</id><pkglist><collection>
            <package name="glibc" version="2.34" release="100.el9_4.10" epoch="0" arch="x86_64"/>
            <package name="glibc" version="2.34" release="100.el9_4.10" epoch="0" arch="i686"/>
          </collection></pkglist></update>
          <update type="bugfix"><id>RLBA-2026:2000</id><pkglist><collection>
            <package name="sudo" version="1.9.5p2" release="11.el9" epoch="0" arch="x86_64"/>
            <package name="bash" version="99" release="1" epoch="0" arch="x86_64"/>
          </collection></pkglist></update>
        </updates>
        """

    @Test("rpm: packages from rpmdb.sqlite's headers against dnf's cached security advisories; the newest kernel decides")
    func advisoriesAgainstTheDatabase() async throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        try Self.database(
            tree.file("var/lib/rpm/rpmdb.sqlite"),
            [
                Self.header(name: "openssl", epoch: 1, version: "3.0.7", release: "24.el9", architecture: "x86_64"),
                Self.header(name: "kernel", version: "5.14.0", release: "427.13.1.el9_4", architecture: "x86_64"),
                Self.header(name: "kernel", version: "5.14.0", release: "503.11.1.el9_5", architecture: "x86_64"),
                Self.header(name: "glibc", version: "2.34", release: "100.el9_4.2", architecture: "x86_64"),
                Self.header(name: "glibc", version: "2.34", release: "100.el9_4.10", architecture: "i686"),
                Self.header(name: "sudo", version: "1.9.5p2", release: "10.el9", architecture: "x86_64"),
                Self.header(name: "bash", version: "5.1.8", release: "9.el9", architecture: "x86_64"),
                Self.header(name: "gpg-pubkey", version: "350d275d", release: "6279464b", architecture: nil),
            ])
        #expect(PackageReader.read(root) == .read(PackageObservation(manager: "rpm", installedCount: 7, securityLists: [], candidates: [])))
        try await Self.repository(tree, "baseos-0123456789abcdef", published: 1_796_191_200, updateInfo: Self.advisories)
        try await Self.repository(tree, "appstream-fedcba9876543210", published: 1_796_000_000, updateInfo: nil)
        guard case .read(let packages) = PackageReader.read(root) else { throw FixtureError(description: "not read") }
        #expect(packages.manager == "rpm")
        #expect(
            packages.securityLists == [
                .init(
                    suite: "baseos", files: ["/var/cache/dnf/baseos-0123456789abcdef/repodata/9f1c-updateinfo.xml.gz"],
                    published: Timestamp(secondsSinceEpoch: 1_796_191_200))
            ])
        #expect(
            packages.candidates.map(\.description) == [
                "glibc:i686 2.34-100.el9_4.10 → 2.34-100.el9_4.10 (baseos RLSA-2026:1003)",
                "glibc:x86_64 2.34-100.el9_4.2 → 2.34-100.el9_4.10 (baseos RLSA-2026:1003)",
                "kernel:x86_64 5.14.0-503.11.1.el9_5 → 5.14.0-503.11.1.el9_5 (baseos RLSA-2026:1002)",
                "openssl:x86_64 1:3.0.7-24.el9 → 1:3.0.7-25.el9_3 (baseos RLSA-2026:1001)",
            ])
        #expect(packages.candidates.filter { $0.installed < $0.candidate }.map(\.package) == ["glibc", "openssl"])
    }

    @Test("rpm: what cannot be judged says which file and why, never reads as up to date")
    func unreadableSources() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        try tree.write(Array(repeating: 0, count: 4096), to: "var/lib/rpm/Packages")
        #expect(
            PackageReader.read(root)
                == .unreadable(
                    "/var/lib/rpm/Packages is an rpm database in Berkeley DB (RHEL 8 and older) format: only rpmdb.sqlite (RHEL 9, Fedora 33 and later) is read"
                ))
        var truncated = Self.header(name: "openssl", version: "3.0.7", release: "25.el9_3", architecture: "x86_64")
        truncated.removeLast(10)
        try Self.database(
            tree.file("usr/lib/sysimage/rpm/rpmdb.sqlite"),
            [Self.header(name: "bash", version: "5.2.26", release: "4.fc40", architecture: "x86_64"), truncated])
        guard case .unreadable(let why) = PackageReader.read(root) else { throw FixtureError(description: "a truncated header read") }
        #expect(why.hasPrefix("/usr/lib/sysimage/rpm/rpmdb.sqlite: package 2: "))
        try tree.write("not a database", to: "var/lib/rpm/rpmdb.sqlite")
        guard case .unreadable(let notDatabase) = PackageReader.read(root) else { throw FixtureError(description: "garbage read") }
        #expect(notDatabase.hasPrefix("/var/lib/rpm/rpmdb.sqlite is not an rpm database"))
        try FileManager.default.removeItem(atPath: tree.file("var/lib/rpm/rpmdb.sqlite"))
        try FileManager.default.removeItem(atPath: tree.file("usr/lib/sysimage/rpm/rpmdb.sqlite"))
        try Self.database(
            tree.file("var/lib/rpm/rpmdb.sqlite"), [Self.header(name: "bash", version: "5.1.8", release: "9.el9", architecture: "x86_64")])
        // Fedora's zstd-compressed updateinfo, an unterminated tag, a location outside the cache.
        let fedora = "var/cache/libdnf5/updates-0123456789abcdef/repodata/"
        try tree.write(
            #"<repomd><data type="updateinfo"><location href="repodata/ab-updateinfo.xml.zst"/><timestamp>1796191200</timestamp></data></repomd>"#,
            to: fedora + "repomd.xml")
        try tree.write([0x28, 0xb5, 0x2f, 0xfd], to: fedora + "ab-updateinfo.xml.zst")
        #expect(
            PackageReader.read(root)
                == .unreadable(
                    "/var/cache/libdnf5/updates-0123456789abcdef/repodata/ab-updateinfo.xml.zst is compressed with zst: only gzip'd and plain metadata are read"
                ))
        try tree.write(#"<repomd><data type="updateinfo"><location href="repodata/ab"#, to: fedora + "repomd.xml")
        #expect(
            PackageReader.read(root)
                == .unreadable(
                    "/var/cache/libdnf5/updates-0123456789abcdef/repodata/repomd.xml: malformed XML at byte 32: unterminated tag"))
        try tree.write(
            #"<repomd><data type="updateinfo"><location href="../../../../etc/shadow"/></data></repomd>"#, to: fedora + "repomd.xml")
        guard case .unreadable(let escape) = PackageReader.read(root) else { throw FixtureError(description: "an escaping href read") }
        #expect(escape.hasSuffix("leaves the repository's cache"))
        try tree.write(
            #"<repomd><data type="updateinfo"><location href="repodata/ab-updateinfo.xml.gz"/></data></repomd>"#, to: fedora + "repomd.xml")
        try tree.write("plain text, not gzip", to: fedora + "ab-updateinfo.xml.gz")
        guard case .unreadable(let notGzip) = PackageReader.read(root) else { throw FixtureError(description: "bad gzip read") }
        #expect(notGzip.hasPrefix("/var/cache/libdnf5/updates-0123456789abcdef/repodata/ab-updateinfo.xml.gz is not valid gzip data"))
    }

    @Test("rpm: a database written by rpm itself (sqlite backend) is read package for package")
    func databaseWrittenByRPM() async throws {
        let work = try TemporaryDirectory()
        let tree = try TemporaryDirectory()
        var packages: [String] = []
        for (name, epoch, version, release) in [("canh-probe", "2", "1.2.3", "4.el9"), ("canh-other", "", "0.9^git1", "1.el9_4")] {
            let spec = try work.write(
                """
                Name: \(name)
                \(epoch.isEmpty ? "" : "Epoch: \(epoch)")
                Version: \(version)
                Release: \(release)
                Summary: A package of Canh's tests
                License: MIT
                BuildArch: noarch
                %description
                A package of Canh's tests.
                %files
                """, to: "\(name).spec")
            let build = try await ProcessRunner.run("/usr/bin/rpmbuild", ["--define", "_topdir \(work.path)", "--quiet", "-bb", spec])
            try #require(build.status == 0, "\(build.standardError)")
            packages.append(work.file("RPMS/noarch/\(name)-\(version)-\(release).noarch.rpm"))
        }
        let database = tree.file("var/lib/rpm")
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
        let install = try await ProcessRunner.run(
            "/usr/bin/rpm",
            ["--define", "_db_backend sqlite", "--dbpath", database, "--initdb"]
        )
        try #require(install.status == 0, "\(install.standardError)")
        let justDB = try await ProcessRunner.run(
            "/usr/bin/rpm", ["--define", "_db_backend sqlite", "--dbpath", database, "-i", "--justdb", "--nodeps", "--ignoreos"] + packages)
        try #require(justDB.status == 0, "\(justDB.standardError)")
        try await Self.repository(
            tree, "rhel-9-for-x86_64-baseos-rpms-0123456789abcdef", published: 1_796_191_200,
            updateInfo: """
                <updates><update type="security"><id>RHSA-2026:0001</id><pkglist><collection>
                <package name="canh-probe" version="1.2.3" release="5.el9" epoch="2" arch="noarch"/>
                <package name="canh-other" version="0.9" release="1.el9_4" epoch="0" arch="noarch"/>
                </collection></pkglist></update></updates>
                """)
        guard case .read(let observation) = PackageReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "rpm's database not read: \(PackageReader.read(HostRoot(path: tree.path)))")
        }
        #expect(observation.installedCount == 2)
        #expect(
            observation.candidates.map(\.description) == [
                "canh-other:noarch 0.9^git1-1.el9_4 → 0.9-1.el9_4 (rhel-9-for-x86_64-baseos-rpms RHSA-2026:0001)",
                "canh-probe:noarch 2:1.2.3-4.el9 → 2:1.2.3-5.el9 (rhel-9-for-x86_64-baseos-rpms RHSA-2026:0001)",
            ])
        #expect(observation.candidates.filter { $0.installed < $0.candidate }.map(\.package) == ["canh-probe"])
    }
}
