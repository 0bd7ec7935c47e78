public import CanhModel
import Foundation

/// One entry of a test journal.
public struct FixtureEntry: Sendable {
    public var time: Timestamp
    public var bootID: String
    /// Fields in order; values are bytes, so binary data and newlines can be written.
    public var fields: [(String, [UInt8])]

    public init(time: Timestamp, bootID: String = FixtureEntry.defaultBootID, fields: [(String, [UInt8])]) {
        self.time = time
        self.bootID = bootID
        self.fields = fields
    }

    /// Text fields, as most tests need.
    public init(time: Timestamp, bootID: String = FixtureEntry.defaultBootID, _ fields: KeyValuePairs<String, String>) {
        self.init(time: time, bootID: bootID, fields: fields.map { ($0.key, Array($0.value.utf8)) })
    }

    public static let defaultBootID = "0123456789abcdef0123456789abcdef"
}

/// Builds genuine journal files: entries are written in journal export format and converted by
/// systemd-journal-remote, the same code path journald's remote receiver uses.
public enum JournalFixture {
    public static let journalRemote = "/lib/systemd/systemd-journal-remote"

    /// The export-format bytes for `entries` (binary-safe form for values with newlines or
    /// non-printable bytes, as `journalctl -o export` writes them).
    public static func exportFormat(_ entries: [FixtureEntry]) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in entries {
            let boot = entry.time.microsecondsSinceEpoch - 1_700_000_000_000_000
            bytes += Array("__REALTIME_TIMESTAMP=\(entry.time.microsecondsSinceEpoch)\n".utf8)
            bytes += Array("__MONOTONIC_TIMESTAMP=\(max(boot, 1))\n".utf8)
            bytes += Array("_BOOT_ID=\(entry.bootID)\n".utf8)
            for (name, value) in entry.fields {
                if value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 < 0x80 }) {
                    bytes += Array("\(name)=".utf8) + value + [0x0A]
                } else {
                    var length = UInt64(value.count).littleEndian
                    bytes += Array("\(name)\n".utf8)
                    bytes += withUnsafeBytes(of: &length) { Array($0) }
                    bytes += value + [0x0A]
                }
            }
            bytes.append(0x0A)
        }
        return bytes
    }

    /// Writes `entries` as a journal file named `name` (must end in .journal) in `directory`.
    @discardableResult
    public static func write(_ entries: [FixtureEntry], named name: String, in directory: TemporaryDirectory) async throws -> String {
        let export = try directory.write(exportFormat(entries), to: name + ".export")
        let journal = directory.file(name)
        let result = try await ProcessRunner.run(journalRemote, ["--output=\(journal)", export])
        guard result.status == 0, FileManager.default.fileExists(atPath: journal) else {
            throw FixtureError(description: "systemd-journal-remote failed (\(result.status)): \(result.standardError)")
        }
        return journal
    }

    /// Overwrites 64 KiB with 0xFF at 60% of the way to the file's last object: libsystemd then
    /// loses entries while reading, without an error of its own.
    public static func corruptMiddle(of path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let tailObject = bytes[136..<144].reversed().reduce(0) { $0 << 8 | Int($1) }
        let start = tailObject * 6 / 10
        for index in start..<min(start + 65_536, bytes.count) { bytes[index] = 0xFF }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Cuts the file to `size` bytes, as a full disk or a crash during copy would.
    public static func truncate(_ path: String, to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

extension Timestamp {
    /// `Timestamp(iso8601:)` for literals known to be valid.
    public static func at(_ text: String) -> Timestamp {
        guard let time = Timestamp(iso8601: text) else { preconditionFailure("invalid test time \(text)") }
        return time
    }
}
