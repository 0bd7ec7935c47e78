public import CanhModel
import Foundation
import GRDB

/// The local accounts: /etc/passwd, /etc/shadow (how each password is stored, never the hash),
/// `~/.ssh/authorized_keys`, login.defs' UID_MIN, and the last logins from lastlog2's SQLite
/// database (`/var/lib/lastlog/lastlog2.db`, util-linux 2.40 and later) or else the legacy
/// `/var/log/lastlog` file indexed by UID.
public enum LocalAccountReader {
    static let lastlog2 = "/var/lib/lastlog/lastlog2.db"
    static let lastlog = "/var/log/lastlog"
    /// `struct lastlog` of glibc on 64-bit Linux: a 32-bit time, a 32-byte line, a 256-byte host.
    static let lastlogRecordSize = 292

    public static func read(_ root: HostRoot) -> ConfigurationState<AccountsObservation> {
        let passwd: String
        let shadow: String
        switch (root.read("/etc/passwd"), root.read("/etc/shadow")) {
        case (.missing, _): return .missing("/etc/passwd does not exist")
        case (.unreadable(let why), _): return .unreadable("/etc/passwd \(why)")
        case (_, .missing): return .missing("/etc/shadow does not exist")
        case (_, .unreadable(let why)):
            let hint = why.contains("Permission denied") ? " (only root can read it: run the scan as root)" : ""
            return .unreadable("/etc/shadow \(why)\(hint)")
        case (.text(let passwdText), .text(let shadowText)): (passwd, shadow) = (passwdText, shadowText)
        }
        var shadowEntries: [String: (fields: [String], line: Int)] = [:]
        for (index, line) in shadow.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if fields.count >= 3 { shadowEntries[fields[0]] = (fields, index + 1) }
        }
        let entries = passwd.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count >= 7 && Int($0[2]) != nil }
        let lastLogins: [String: Timestamp]
        let byUID: [Int: Timestamp]
        let source: String?
        do {
            (lastLogins, byUID, source) = try self.lastLogins(root, uids: entries.compactMap { Int($0[2]) })
        } catch {
            return .unreadable(error.description)
        }
        var accounts: [LocalAccount] = []
        for fields in entries {
            guard let uid = Int(fields[2]) else { continue }
            let entry = shadowEntries[fields[0]]
            accounts.append(
                LocalAccount(
                    name: fields[0], uid: uid, shell: fields[6], password: entry.map { storedPassword($0.fields[1]) } ?? .none,
                    lastPasswordChangeDay: entry.flatMap { Int($0.fields[2]) },
                    hasAuthorizedKeys: hasAuthorizedKeys(root, home: fields[5]),
                    lastLogin: lastLogins[fields[0]] ?? byUID[uid], shadowLine: entry?.line))
        }
        var uidMinimum = 1000
        if case .read(let defs) = KeyValueConfigReader.loginDefs(root), let value = defs["UID_MIN"].flatMap({ Int($0.value) }) {
            uidMinimum = value
        }
        return .read(
            AccountsObservation(
                accounts: accounts, uidMinimum: uidMinimum, lastLoginSource: source, shadowPermissions: permissions(root, passwd: passwd)))
    }

    /// crypt(5): `$id$[rounds=N$]salt$hash`, `$2b$COST$SALTHASH`, `$y$PARAMS$SALT$HASH`, 13
    /// characters of traditional DES, `_` for BSDi; `!` in front locks it.
    static func storedPassword(_ field: String) -> LocalAccount.StoredPassword {
        if field.isEmpty { return .empty }
        let locked = field.hasPrefix("!")
        let hash = String(field.drop { $0 == "!" })
        if hash.isEmpty || hash.hasPrefix("*") || hash == "x" { return .none }
        guard hash.hasPrefix("$") else {
            if hash.hasPrefix("_") { return .hash(scheme: "bsdi-des", salted: true, locked: locked) }
            return .hash(scheme: hash.count == 13 ? "des" : "unknown", salted: hash.count == 13, locked: locked)
        }
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        let id = parts.count > 1 ? parts[1] : ""
        let schemes = [
            "1": "md5", "2a": "bcrypt", "2b": "bcrypt", "2y": "bcrypt", "3": "nt", "5": "sha256", "6": "sha512", "7": "scrypt",
            "y": "yescrypt", "gy": "gost-yescrypt", "md5": "sun-md5", "sha1": "sha1-crypt",
        ]
        let scheme = schemes[id] ?? "unknown ($\(id)$)"
        let salt: String
        switch id {
        case "y", "gy", "7": salt = parts.count > 3 ? parts[3] : ""
        case "2a", "2b", "2y": salt = parts.count > 3 ? String(parts[3].prefix(22)) : ""
        case "3": salt = ""
        default:
            let rest = parts.dropFirst(2)
            salt = (rest.first?.hasPrefix("rounds=") == true ? rest.dropFirst().first : rest.first) ?? ""
        }
        return .hash(scheme: scheme, salted: !salt.isEmpty, locked: locked)
    }

    /// `~/.ssh/authorized_keys` is a non-empty file, judged without reading it: users own it, and
    /// one made a link to /dev/zero or a huge file must not hang the agent. A link counts as
    /// keys (sshd may follow it); a home with `..` in it leaves the tree and counts as none; a
    /// home the agent may not look into is unknown (nil).
    private static func hasAuthorizedKeys(_ root: HostRoot, home: String) -> Bool? {
        guard home.hasPrefix("/"), !home.split(separator: "/").contains("..") else { return false }
        var status = stat()
        guard lstat(root.path + home + "/.ssh/authorized_keys", &status) == 0 else { return errno == EACCES ? nil : false }
        switch status.st_mode & S_IFMT {
        case S_IFLNK: return true
        case S_IFREG: return status.st_size > 0
        default: return false
        }
    }

    /// By name from lastlog2, else by UID from the legacy file.
    private static func lastLogins(
        _ root: HostRoot, uids: [Int]
    ) throws(HostRoot.UnreadableFile) -> ([String: Timestamp], [Int: Timestamp], String?) {
        if root.exists(lastlog2) {
            do {
                var configuration = Configuration()
                configuration.readonly = true
                let database = try DatabaseQueue(path: root.path + lastlog2, configuration: configuration)
                let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT Name, Time FROM Lastlog2") }
                var logins: [String: Timestamp] = [:]
                for row in rows {
                    guard let name = row["Name"] as String?, let time = row["Time"] as Int64?, time > 0 else { continue }
                    logins[name] = Timestamp(secondsSinceEpoch: time)
                }
                return (logins, [:], lastlog2)
            } catch {
                throw HostRoot.UnreadableFile(description: "\(lastlog2) is not a lastlog2 database (\(error))")
            }
        }
        guard root.exists(lastlog) else { return ([:], [:], nil) }
        // A sparse file indexed by UID: with directory UIDs in the billions it is terabytes
        // long, so only each account's own record is read.
        guard let handle = FileHandle(forReadingAtPath: root.path + lastlog) else {
            throw HostRoot.UnreadableFile(description: "\(lastlog) cannot be read")
        }
        defer { try? handle.close() }
        var logins: [Int: Timestamp] = [:]
        for uid in Set(uids) where uid >= 0 {
            do {
                try handle.seek(toOffset: UInt64(uid) * UInt64(lastlogRecordSize))
                let bytes = [UInt8](try handle.read(upToCount: 4) ?? Data())
                guard bytes.count == 4 else { continue }  // past the end: never logged in
                let time = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
                if time > 0 { logins[uid] = Timestamp(secondsSinceEpoch: Int64(time)) }
            } catch {
                throw HostRoot.UnreadableFile(description: "\(lastlog) cannot be read at UID \(uid): \(error.localizedDescription)")
            }
        }
        return ([:], logins, lastlog)
    }

    /// Owner and group named from the tree's own /etc/passwd and /etc/group.
    private static func permissions(_ root: HostRoot, passwd: String) -> AccountsObservation.ShadowPermissions? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: root.path + "/etc/shadow"),
            let mode = attributes[.posixPermissions] as? Int, let uid = attributes[.ownerAccountID] as? Int,
            let gid = attributes[.groupOwnerAccountID] as? Int
        else { return nil }
        func name(_ id: Int, in text: String) -> String {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count >= 3, Int(fields[2]) == id { return String(fields[0]) }
            }
            return String(id)
        }
        let groups: String = if case .text(let text) = root.read("/etc/group") { text } else { "" }
        return .init(owner: name(uid, in: passwd), group: name(gid, in: groups), mode: mode)
    }
}
