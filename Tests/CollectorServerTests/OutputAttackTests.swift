import CanhModel
import CollectorClient
import Foundation
import Glibc
import NIOHTTP1
import Rules
import TestSupport
import Testing

/// What the command line writes for people, spreadsheets and files, when the values in it were
/// written by an attacker (user names and file names from logs, free text of other users) or the
/// place it writes to is not what it seems.
@Suite struct OutputAttackTests {
    let python = "/usr/bin/python3"

    /// The rows of a CSV file as Python's csv module reads it (what spreadsheets do too).
    func csvRows(_ text: String, in directory: TemporaryDirectory) async throws -> [[String]] {
        let file = try directory.write(text, to: "export-\(UUID().uuidString).csv")
        let read = try await ProcessRunner.run(
            python,
            ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))))", file])
        return try JSONDecoder().decode([[String]].self, from: Data(read.standardOutput.utf8))
    }

    @Test("CSV cells are formula-guarded and quoted by their bytes; tables show control characters as escapes, one row per item")
    func exportsCannotForgeRows() async throws {
        let collector = try await CollectorProcess()
        let work = try TemporaryDirectory(prefix: "canh-exports")
        let enrolled = try await collector.enrollAgent(hostname: "web01")
        let agent = try collector.agentClient(enrolled.state)
        defer { Task { await agent.shutdown() } }
        // User names an attacker chose (no control characters: those are refused at ingest).
        let formulas = [#"=HYPERLINK("http://203.0.113.9/x","help")"#, "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "+1"]
        _ = try await agent.deliver(
            formulas.enumerated().map { attackRecord(host: "web01", rule: "auth.sudo.failure", entity: $1, at: "2026-11-21T10:00:0\($0)Z") }
        )
        let csv = try await collector.command(["findings", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.standardError)")
        let rows = try await csvRows(csv.standardOutput, in: work)
        #expect(rows.count == formulas.count + 1)
        let entities = Set(rows.dropFirst().map { $0[2] })
        #expect(entities == Set(formulas.map { "'" + $0 }), "\(entities)")

        // Free text of analysts goes into the audit log and reports as it was typed.
        let analyst = try await collector.userToken("triage", role: "analyst")
        let fingerprint = try #require(
            try await JSONDecoder().decode(
                [FindingState].self, from: Data(collector.command(["findings", "--format", "json"]).standardOutput.utf8)
            ).first?.fingerprint)
        let reason = "ok\r\nfake,row,\u{1b}[2J\u{1b}[31mALL CLEAR\u{202e}txt.exe\u{8}\u{8}"
        #expect(try await collector.command(["findings", "ack", fingerprint, "--reason", reason], token: analyst).status == 0)
        let table = try await collector.command(["audit"])
        #expect(table.status == 0)
        #expect(!table.standardOutput.unicodeScalars.contains { $0.isControlCharacter && $0 != "\n" }, "no raw control character")
        #expect(!table.standardOutput.unicodeScalars.contains("\u{202e}"))
        #expect(
            table.standardOutput.contains(#"ok\x0d\x0afake,row,\x1b[2J\x1b[31mALL CLEAR\u{202e}txt.exe\x08\x08"#), "\(table.standardOutput)"
        )
        let entries = try await JSONDecoder().decode(
            [AuditEntry].self, from: Data(collector.command(["audit", "--format", "json"]).standardOutput.utf8))
        #expect(table.outputLines.count == entries.count + 1, "one line per entry and the header")
        let auditCSV = try await csvRows(try collector.command(["audit", "--format", "csv"]).standardOutput, in: work)
        #expect(auditCSV.count == entries.count + 1)
        #expect(auditCSV.contains { $0.last == reason }, "the CSV keeps the text exactly, CR LF and all")

        // The compliance CSV with an attestation whose evidence has bare line feeds and CR LF.
        let manual = try #require(
            try RunningCollector.rulePack().requirements.requirements.first { $0.check == .manual && $0.levels.contains(Level.all[2]) })
        let evidence = "Quyết định 88/QĐ\nBiên bản diễn tập\r\n=1+1"
        let attested = try await collector.command(
            ["attestations", "add", "--system", "hy-portal", "--requirement", manual.id, "--evidence", evidence], token: analyst)
        #expect(attested.status == 0, "\(attested.standardError)")
        let report = try await collector.command(["report", "compliance", "--system", "hy-portal", "--format", "csv", "--lang", "en"])
        #expect(report.status == 0, "\(report.standardError)")
        let reportRows = try await csvRows(report.standardOutput, in: work)
        let header = try #require(reportRows.firstIndex { $0.count > 10 })
        let table16 = reportRows[header...].filter { !$0.isEmpty && $0 != [""] }
        #expect(table16.allSatisfy { $0.count == reportRows[header].count }, "every row has every column")
        #expect(table16.contains { row in row.contains { $0.hasSuffix(evidence) } }, "the evidence is one cell")
    }

    @Test("reports go through a temporary file: devices, pipes, links and directories are refused, files are 0600, a full stdout exits 2")
    func reportFiles() async throws {
        let collector = try await CollectorProcess()
        let work = try TemporaryDirectory(prefix: "canh-report-files")
        func report(_ output: String) async throws -> ProcessResult {
            try await collector.command(["report", "coverage", "--format", "csv", "--output", output])
        }
        // What a path is, without following a link (a FIFO is `typeUnknown` to Foundation).
        func kind(_ path: String) -> String {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType)?.rawValue ?? "missing"
        }

        let pipe = work.file("pipe")
        #expect(mkfifo(pipe, 0o644) == 0)
        var targets = [(pipe, "is not a regular file")]
        if getuid() == 0 {
            // What `--output /dev/full` did as root: the device node was replaced by a file.
            let device = work.file("full")
            // Linux's encoding of device 1:7 (/dev/full), as makedev(3) computes it.
            #expect(mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
            targets.append((device, "is not a regular file"))
        }
        let target = try work.write("keep me\n", to: "target.csv")
        let link = work.file("link.csv")
        #expect(symlink(target, link) == 0)
        targets.append((link, "is a symbolic link"))
        targets.append((work.path, "is a directory"))
        for (path, message) in targets {
            let type = kind(path)
            #expect(type != FileAttributeType.typeRegular.rawValue && type != "missing")
            let refused = try await report(path)
            #expect(refused.status == 2, "\(path)")
            #expect(refused.standardError.contains("\(path) \(message)"), "\(refused.standardError)")
            #expect(!refused.standardError.contains("NSCocoaErrorDomain"))
            #expect(kind(path) == type, "\(path) is still what it was")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).allSatisfy { !$0.hasPrefix(".") }, "no temporary file left")

        let existing = try work.write("old report\n", to: "coverage.csv")
        #expect(chmod(existing, 0o644) == 0)
        let written = try await report(existing)
        #expect(written.status == 0, "\(written.standardError)")
        #expect((try FileManager.default.attributesOfItem(atPath: existing)[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: existing, encoding: .utf8).contains("hy-portal"))

        // Standard output that cannot be written is an error, for text and for reports.
        for arguments in [
            "findings --format csv", "system list", "report compliance --system hy-portal --format html", "report coverage --format csv",
        ] {
            let full = try await ProcessRunner.run(
                "/bin/sh", ["-c", "exec \"$0\" \(arguments) > /dev/full", ProcessRunner.builtProduct("canh-collector")],
                environment: ["CANH_SERVER": collector.url, "CANH_TOKEN": collector.adminToken, "CANH_CA": collector.caFile])
            #expect(full.status == 2, "\(arguments): \(full.status) \(full.standardError)")
            #expect(full.standardError.contains("cannot write"), "\(arguments): \(full.standardError)")
        }
    }
}
