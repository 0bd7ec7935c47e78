import CanhModel
import Foundation
import GRDB
import TestSupport
import Testing

@testable import HostInspection

/// Local accounts from trees laid out like a host, with last logins in a real lastlog2 SQLite
/// database and in the legacy lastlog file's binary layout.
@Suite struct AccountReaderTests {
    private func tree() throws -> TemporaryDirectory {
        let tree = try TemporaryDirectory()
        try tree.write(
            """
            root:x:0:0:root:/root:/bin/bash
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            hoa:x:1000:1000:Hoa:/home/hoa:/bin/bash
            minh:x:1001:1001:Minh:/home/minh:/bin/bash
            deploy:x:1002:1002::/srv/deploy:/bin/sh
            """, to: "etc/passwd")
        try tree.write(
            """
            root:!:20000:0:99999:7:::
            daemon:*:19000:0:99999:7:::
            hoa:$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7:20300:0:60:7:::
            minh:$1$abc$0123456789abcdefghijkl:19500:0:99999:7:::
            deploy:!$6$$Zq0wDg8d/Ue8yL3Qm8bVHsXkUY8nmZqWBDbV4HCC5cZ8:19000:0:99999:7:::
            """, to: "etc/shadow")
        try tree.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample deploy@ci\n", to: "srv/deploy/.ssh/authorized_keys")
        return tree
    }

    @Test("shadow: the scheme and salt of each hash, a locked hash kept as locked, never the hash itself")
    func storedPasswords() throws {
        let tree = try tree()
        guard case .read(let observed) = LocalAccountReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "not read")
        }
        #expect(
            observed.accounts.map { "\($0.name): \($0.password)" } == [
                "root: no password (locked)", "daemon: no password (locked)", "hoa: yescrypt", "minh: md5",
                "deploy: sha512 without salt, locked with !",
            ])
        #expect(observed.accounts.map(\.hasAuthorizedKeys) == [false, false, false, false, true])
        #expect(observed.accounts.first { $0.name == "hoa" }?.lastPasswordChangeDay == 20_300)
        #expect(observed.lastLoginSource == nil)
        #expect(LocalAccountReader.storedPassword("abJnggxhB/yWI") == .hash(scheme: "des", salted: true, locked: false))
        #expect(LocalAccountReader.storedPassword("$6$rounds=5000$$abc") == .hash(scheme: "sha512", salted: false, locked: false))
        #expect(LocalAccountReader.storedPassword("") == .empty)
        #expect(LocalAccountReader.storedPassword("!!") == LocalAccount.StoredPassword.none)
    }

    @Test("last logins: by name from a lastlog2 SQLite database, which wins over the legacy file")
    func lastlog2() throws {
        let tree = try tree()
        try FileManager.default.createDirectory(atPath: tree.file("var/lib/lastlog"), withIntermediateDirectories: true)
        let database = try DatabaseQueue(path: tree.file("var/lib/lastlog/lastlog2.db"))
        try database.write { db in
            try db.execute(sql: "CREATE TABLE Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)")
            try db.execute(
                sql: "INSERT INTO Lastlog2 VALUES ('hoa', 1796000000, 'ssh', '10.20.0.7', 'sshd'), ('minh', 0, NULL, NULL, NULL)")
        }
        try database.close()
        try tree.write([UInt8](repeating: 0xff, count: 292 * 1002), to: "var/log/lastlog")
        guard case .read(let observed) = LocalAccountReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "not read")
        }
        #expect(observed.lastLoginSource == "/var/lib/lastlog/lastlog2.db")
        #expect(observed.accounts.first { $0.name == "hoa" }?.lastLogin == Timestamp(secondsSinceEpoch: 1_796_000_000))
        #expect(observed.accounts.first { $0.name == "minh" }?.lastLogin == nil, "a time of 0 is no login")
        #expect(!FileManager.default.fileExists(atPath: tree.file("var/lib/lastlog/lastlog2.db-wal")), "read without writing")

        try tree.write(Array("not a database, a truncated copy".utf8), to: "var/lib/lastlog/lastlog2.db")
        guard case .unreadable(let why) = LocalAccountReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "a damaged database must not read as no logins")
        }
        #expect(why.hasPrefix("/var/lib/lastlog/lastlog2.db is not a lastlog2 database"))
    }

    @Test("last logins: the legacy lastlog file, 292 bytes per UID with a little-endian 32-bit time")
    func legacyLastlog() throws {
        let tree = try tree()
        func record(_ time: UInt32) -> [UInt8] {
            withUnsafeBytes(of: time.littleEndian, Array.init) + Array("pts/0".utf8) + [UInt8](repeating: 0, count: 288 - 5)
        }
        var file = [UInt8](repeating: 0, count: 292 * 1000)  // root … UID 999: never
        file += record(1_795_000_000)  // UID 1000, hoa
        file += record(0)  // UID 1001, minh: never
        try tree.write(file, to: "var/log/lastlog")
        guard case .read(let observed) = LocalAccountReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "not read")
        }
        #expect(observed.lastLoginSource == "/var/log/lastlog")
        #expect(observed.accounts.map(\.lastLogin) == [nil, nil, Timestamp(secondsSinceEpoch: 1_795_000_000), nil, nil])
    }

    @Test("hostile files: a sparse lastlog of terabytes for directory UIDs, authorized_keys linked to /dev/zero")
    func hostileFiles() throws {
        let tree = try tree()
        try tree.write("svc:x:1500000000:1500000000::/home/svc:/bin/bash\n", to: "etc/passwd")
        try tree.write("svc:$y$j9T$salt$hash:20300:0:99999:7:::\n", to: "etc/shadow")
        // 1.5 billion records of 292 bytes: a 438 GB file that takes no space.
        let path = tree.file("var/log/lastlog")
        try FileManager.default.createDirectory(atPath: tree.file("var/log"), withIntermediateDirectories: true)
        let handle = try #require(
            FileHandle(forWritingAtPath: path)
                ?? {
                    _ = FileManager.default.createFile(atPath: path, contents: nil)
                    return FileHandle(forWritingAtPath: path)
                }())
        try handle.seek(toOffset: 1_500_000_000 * 292)
        try handle.write(
            contentsOf: withUnsafeBytes(of: UInt32(1_795_000_000).littleEndian, Array.init) + [UInt8](repeating: 0, count: 288))
        try handle.close()
        try FileManager.default.createDirectory(atPath: tree.file("home/svc/.ssh"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tree.file("home/svc/.ssh/authorized_keys"), withDestinationPath: "/dev/zero")
        guard case .read(let observed) = LocalAccountReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "not read")
        }
        let account = try #require(observed.accounts.first)
        #expect(account.lastLogin == Timestamp(secondsSinceEpoch: 1_795_000_000))
        #expect(account.hasAuthorizedKeys == true, "a link may hold keys for sshd; it is not read")
    }
}
