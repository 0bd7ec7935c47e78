import CanhModel
import Foundation
import Systemd
import TestSupport
import Testing

@Suite struct JournalReaderTests {
    private static let start = Timestamp.at("2026-11-22T03:00:00Z")

    private func sshEntries(_ count: Int, from start: Timestamp = start) -> [FixtureEntry] {
        (0..<count).map { index in
            FixtureEntry(
                time: start + .seconds(Int64(index)),
                [
                    "SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "_HOSTNAME": "web01", "PRIORITY": "6",
                    "MESSAGE": "Failed password for root from 198.51.100.\(index % 250) port 50122 ssh2",
                ])
        }
    }

    private func readAll(_ reader: JournalReader) throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }

    @Test("every field, the realtime timestamp, the boot id and a usable cursor come out of a real journal file")
    func readsEverything() async throws {
        let directory = try TemporaryDirectory()
        let path = try await JournalFixture.write(sshEntries(3), named: "a.journal", in: directory)
        let reader = try JournalReader(source: .files([path]))
        let first = try #require(try reader.next())
        let cursor = try reader.cursor()
        #expect(first.realtimeMicroseconds == UInt64(Self.start.microsecondsSinceEpoch))
        #expect(first.bootID == JournalBootID(high: 0x0123_4567_89ab_cdef, low: 0x0123_4567_89ab_cdef))
        let names = first.fields.map(\.name)
        for name in ["SYSLOG_IDENTIFIER", "_COMM", "_HOSTNAME", "PRIORITY", "MESSAGE", "_BOOT_ID"] {
            #expect(names.contains(name), "missing \(name) in \(names)")
        }
        #expect(
            first.value(of: "MESSAGE").map { String(decoding: $0, as: UTF8.self) }
                == "Failed password for root from 198.51.100.0 port 50122 ssh2")
        #expect(cursor.hasPrefix("s="))
        // journalctl accepts the cursor and resumes after it: the cursor names this very entry.
        let after = try await ProcessRunner.run(
            "/usr/bin/journalctl", ["--file", path, "--after-cursor", cursor, "-o", "cat", "--no-pager"])
        #expect(
            after.outputLines == [
                "Failed password for root from 198.51.100.1 port 50122 ssh2", "Failed password for root from 198.51.100.2 port 50122 ssh2",
            ])
        #expect(try readAll(reader).count == 2)
        #expect(reader.fileProblems.isEmpty)
    }

    @Test("values that are not UTF-8, contain newlines or are huge are kept byte for byte or cut, never dropped")
    func binarySafe() async throws {
        let directory = try TemporaryDirectory()
        let invalid: [UInt8] = Array("Invalid user ".utf8) + [0xFF, 0xFE, 0x00, 0x01] + Array(" from 203.0.113.9 port 22".utf8)
        let multiline = Array("first line\nsecond line\n".utf8)
        let huge = [UInt8](repeating: UInt8(ascii: "A"), count: 3 << 20)
        let entries = [
            FixtureEntry(time: Self.start, fields: [("MESSAGE", invalid), ("SYSLOG_IDENTIFIER", Array("sshd".utf8))]),
            FixtureEntry(time: Self.start + .seconds(1), fields: [("MESSAGE", multiline)]),
            FixtureEntry(time: Self.start + .seconds(2), fields: [("MESSAGE", huge), ("BLOB", [0, 1, 2, 3, 255])]),
            FixtureEntry(time: Self.start + .seconds(3), ["MESSAGE": "after the big one"]),
        ]
        let path = try await JournalFixture.write(entries, named: "binary.journal", in: directory)
        let reader = try JournalReader(source: .files([path]), selection: .all, maxValueBytes: 1 << 20)
        let read = try readAll(reader)
        #expect(read.count == 4)
        #expect(read[0].value(of: "MESSAGE").map(Array.init) == invalid)
        #expect(read[1].value(of: "MESSAGE").map(Array.init) == multiline)
        #expect(read[2].value(of: "MESSAGE")?.count == 1 << 20)
        #expect(read[2].truncatedValues == 1)
        #expect(read[2].value(of: "BLOB").map(Array.init) == [0, 1, 2, 3, 255])
        #expect(read[3].value(of: "MESSAGE").map { String(decoding: $0, as: UTF8.self) } == "after the big one")
    }

    @Test("a field selection copies exactly those fields, indexed in the order asked")
    func selection() async throws {
        let directory = try TemporaryDirectory()
        let path = try await JournalFixture.write(sshEntries(2), named: "a.journal", in: directory)
        let reader = try JournalReader(source: .files([path]), selection: .fields(["MESSAGE", "NO_SUCH_FIELD", "_COMM"]))
        let entry = try #require(try reader.next())
        #expect(entry.value(at: 0).map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("Failed password") == true)
        #expect(entry.value(at: 1) == nil)
        #expect(entry.value(at: 2).map { String(decoding: $0, as: UTF8.self) } == "sshd")
        #expect(entry.fields.map(\.name) == ["MESSAGE", "_COMM"])
    }

    @Test("matches select entries; groups are alternatives")
    func matches() async throws {
        let directory = try TemporaryDirectory()
        var entries = sshEntries(3)
        entries.append(FixtureEntry(time: Self.start + .seconds(10), ["SYSLOG_IDENTIFIER": "sudo", "MESSAGE": "x"]))
        entries.append(FixtureEntry(time: Self.start + .seconds(11), ["SYSLOG_IDENTIFIER": "cron", "MESSAGE": "y"]))
        let path = try await JournalFixture.write(entries, named: "m.journal", in: directory)
        let sudoOnly = try JournalReader(source: .files([path]), matches: [[JournalMatch(field: "SYSLOG_IDENTIFIER", value: "sudo")]])
        #expect(try readAll(sudoOnly).count == 1)
        let either = try JournalReader(
            source: .files([path]),
            matches: [[JournalMatch(field: "SYSLOG_IDENTIFIER", value: "sudo")], [JournalMatch(field: "SYSLOG_IDENTIFIER", value: "cron")]])
        #expect(try readAll(either).count == 2)
        #expect(throws: JournalError.invalidMatch("=x")) {
            try JournalReader(source: .files([path]), matches: [[JournalMatch(field: "", value: "x")]])
        }
    }

    @Test("a truncated file is reported by path and the other files are still read")
    func truncatedFile() async throws {
        let directory = try TemporaryDirectory()
        let good = try await JournalFixture.write(sshEntries(5), named: "good.journal", in: directory)
        let bad = try await JournalFixture.write(sshEntries(50, from: Self.start + .hours(1)), named: "bad.journal", in: directory)
        try JournalFixture.truncate(bad, to: 100_000)
        let reader = try JournalReader(source: .files([bad, good]))
        #expect(try readAll(reader).count == 5)
        #expect(reader.fileProblems == [JournalFileProblem(path: bad, kind: .unopenable(errno: 61))])
        #expect(reader.fileProblems[0].description.contains("truncated or corrupted"))
    }

    @Test("a file that loses entries while being read is named, with how many were lost")
    func corruptedMiddle() async throws {
        let directory = try TemporaryDirectory()
        let good = try await JournalFixture.write(sshEntries(100, from: Self.start - .days(1)), named: "good.journal", in: directory)
        let bad = try await JournalFixture.write(sshEntries(20_000), named: "bad.journal", in: directory)
        try JournalFixture.corruptMiddle(of: bad)
        let reader = try JournalReader(source: .files([good, bad]))
        let read = try readAll(reader).count
        #expect(read >= 100 && read < 20_100)
        let problem = try #require(reader.fileProblems.first)
        #expect(problem.path == bad)
        guard case .unreadableEntries(let count, let expected) = problem.kind else {
            Issue.record("expected unreadable entries, got \(problem)")
            return
        }
        #expect(expected == 20_000)
        #expect(count < expected)
        #expect(reader.fileProblems.count == 1, "the good file is not blamed")
    }

    @Test("the same entries in two files are read once and blame no file")
    func duplicateFiles() async throws {
        let directory = try TemporaryDirectory()
        let original = try await JournalFixture.write(sshEntries(10), named: "a.journal", in: directory)
        let copy = directory.file("copy.journal")
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let reader = try JournalReader(source: .files([original, copy]))
        #expect(try readAll(reader).count == 10)
        #expect(reader.fileProblems.isEmpty)
    }

    @Test("a directory is read with its machine-id subdirectories; other files are ignored")
    func directorySource() async throws {
        let directory = try TemporaryDirectory()
        try await JournalFixture.write(sshEntries(2), named: "top.journal", in: directory)
        let machine = try TemporaryDirectory()
        let nested = try await JournalFixture.write(sshEntries(3, from: Self.start + .hours(1)), named: "system.journal", in: machine)
        let subdirectory = directory.file("0123456789abcdef0123456789abcdef")
        try FileManager.default.createDirectory(atPath: subdirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: nested, toPath: subdirectory + "/system.journal")
        try directory.write("not a journal", to: "notes.txt")
        let reader = try JournalReader(source: .directory(directory.path))
        #expect(try readAll(reader).count == 5)
    }

    @Test("missing inputs are errors that name the path")
    func missingInputs() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: JournalError.inputMissing(path: "/nonexistent/x.journal", errno: ENOENT)) {
            try JournalReader(source: .files(["/nonexistent/x.journal"]))
        }
        #expect(throws: JournalError.inputMissing(path: "/nonexistent", errno: ENOENT)) {
            try JournalReader(source: .directory("/nonexistent"))
        }
        #expect(throws: JournalError.noJournalFiles(location: directory.path)) {
            try JournalReader(source: .directory(directory.path))
        }
        let text = try directory.write("hello", to: "fake.journal")
        let reader = try JournalReader(source: .files([text]))
        #expect(try reader.next() == nil)
        #expect(reader.fileProblems.map(\.path) == [text])
    }

    @Test("the local journal is read when this machine has one, and its absence is a clear error")
    func localJournal() throws {
        let roots = ["/var/log/journal", "/run/log/journal"]
        let hasJournalFiles = roots.contains { root in
            let files = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
            return files.contains { $0.hasSuffix(".journal") || $0.hasSuffix(".journal~") }
        }
        if hasJournalFiles {
            let reader = try JournalReader(source: .local, selection: .fields(["MESSAGE"]))
            _ = try reader.next()
        } else {
            #expect(throws: JournalError.noJournalFiles(location: roots.joined(separator: ", "))) {
                try JournalReader(source: .local)
            }
            #expect(JournalError.noJournalFiles(location: "x").description.contains("is journald storing logs there?"))
        }
    }
}
