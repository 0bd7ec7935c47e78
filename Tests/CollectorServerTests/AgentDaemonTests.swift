import Agent
import CanhModel
import CollectorClient
import Foundation
import TestSupport
import Testing

/// `canh-agent run` against a real collector, both as real processes over loopback, with the
/// faults an agent trusted for years must survive (SPEC §6: nothing lost, nothing twice).
@Suite(.serialized) struct AgentDaemonTests {
    /// The baseline: what the collector holds after being given exactly the records an offline
    /// scan of the final journal produces, once each.
    func baseline(of journal: String) async throws -> (findings: [String], ids: [String]) {
        let records = try await SampleJournal.scan(journal)
        let collector = try await CollectorProcess()
        try await collector.deliver(records, hostname: "portal-hy")
        return (try await collector.findingSummary(), try await collector.storedRecordIDs())
    }

    @Test("killed with SIGKILL 20 times while working through a journal, the agent delivers every finding exactly once")
    func killedTwentyTimes() async throws {
        let entries = try SampleJournal.entries()
        let scratch = try TemporaryDirectory(prefix: "canh-kill")
        let journal = scratch.file("journal/portal-hy.journal")
        try FileManager.default.createDirectory(atPath: scratch.file("journal"), withIntermediateDirectories: true)
        let collector = try await CollectorProcess()
        // The first chunk exists before the agent starts: journal directories are never empty.
        let chunks = stride(from: 0, to: entries.count, by: entries.count / 20).map {
            Array(entries[$0..<min($0 + entries.count / 20, entries.count)])
        }
        try await SampleJournal.append(chunks[0], to: journal, scratch: scratch)
        let agent = try await AgentProcess(collector: collector, journalDirectory: scratch.file("journal"))

        var generator = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let seed = generator.state
        for round in 0..<20 {
            if round > 0, round < chunks.count { try await SampleJournal.append(chunks[round], to: journal, scratch: scratch) }
            try agent.start()
            // Anywhere from before the rules are loaded to well into reading and delivering.
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...1500, using: &generator)))
            agent.kill9()
        }
        for chunk in chunks.dropFirst(20) { try await SampleJournal.append(chunk, to: journal, scratch: scratch) }
        try agent.start()

        let expected = try await baseline(of: journal)
        #expect(expected.findings.count > 20, "the sample journal has known incidents")
        let delivered = try await eventually(seconds: 90) { try await collector.findingSummary() == expected.findings }
        #expect(delivered, "seed \(seed); agent log:\n\(agent.output.suffix(3000))")
        #expect(try await collector.findingSummary() == expected.findings)
        #expect(try await collector.storedRecordIDs() == expected.ids, "every record stored once, none missing, none extra")
        #expect(try await agent.send(SIGTERM) == 0)
    }

    @Test("with the collector down the agent spools; started again (and killed mid-delivery) it receives everything once")
    func collectorDownThenBack() async throws {
        let entries = try SampleJournal.entries()
        let scratch = try TemporaryDirectory(prefix: "canh-down")
        let journal = scratch.file("journal/portal-hy.journal")
        try FileManager.default.createDirectory(atPath: scratch.file("journal"), withIntermediateDirectories: true)
        try await SampleJournal.append(Array(entries.prefix(100)), to: journal, scratch: scratch)
        let collector = try await CollectorProcess()
        let agent = try await AgentProcess(collector: collector, journalDirectory: scratch.file("journal"))
        collector.kill()
        try agent.start()
        try await SampleJournal.append(Array(entries.dropFirst(100)), to: journal, scratch: scratch)

        // Everything is read and waits in the spool; status says the collector cannot be reached.
        let spooled = try await eventually(seconds: 60) {
            let status = try await agent.status()
            return status.status == 1 && status.standardOutput.contains("unreachable")
                && !status.standardOutput.contains("spool           0 record")
                && status.standardOutput.contains("2026-11-21T09:48:06Z")
        }
        let statusText = try await agent.status().standardOutput
        #expect(spooled, "\(statusText)\n\(agent.output.suffix(2000))")

        // Back, then killed while the backlog is being delivered, then back for good.
        try await collector.start()
        try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
        collector.kill()
        try await Task.sleep(for: .seconds(1))
        try await collector.start()

        let expected = try await baseline(of: journal)
        let delivered = try await eventually(seconds: 400) { try await collector.findingSummary() == expected.findings }
        #expect(delivered, "agent log:\n\(agent.output.suffix(3000))")
        #expect(try await collector.storedRecordIDs() == expected.ids)
        let status = try await agent.status()
        #expect(status.status == 0, "\(status.standardOutput)")
        #expect(status.standardOutput.contains("reachable"))
        #expect(try await agent.send(SIGTERM) == 0)
    }

    @Test("a system moved to another level reaches the running agent, which keeps it for a restart without the collector")
    func levelChangeIsKept() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-level")
        let journals = try await SampleJournal.directory(withFirst: 20, in: scratch)
        let collector = try await CollectorProcess()
        let agent = try await AgentProcess(collector: collector, journalDirectory: journals)
        try agent.start()
        let moved = try await collector.command(["system", "update", "--id", "hy-portal", "--level", "4"])
        #expect(moved.status == 0, "\(moved.standardError)")
        let identityFile = agent.state.file("state/enrollment.json")
        let kept = try await eventually(seconds: 30) {
            let data = try Data(contentsOf: URL(fileURLWithPath: identityFile))
            return try JSONDecoder().decode(Enrollment.Identity.self, from: data).level == Level.all[3]
        }
        #expect(kept, "agent log:\n\(agent.output.suffix(2000))")
        #expect(agent.output.contains("rules now use its parameters"))
        let mode = try FileManager.default.attributesOfItem(atPath: identityFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try await agent.send(SIGTERM) == 0)

        collector.kill()
        let manager = try NotifySocket(in: scratch)
        defer { manager.stop() }
        try agent.start(environment: ["NOTIFY_SOCKET": manager.path])
        let started = try await manager.messages(waitingFor: "READY=1", seconds: 30)
        let ready = try #require(started.first { $0.contains("READY=1") }, "\(started)")
        #expect(ready.contains("at level 4"), "the level last heard, with the collector down: \(ready)")
        #expect(try await agent.send(SIGTERM) == 0)
    }

    @Test("a journal vacuumed under a stopped agent is a coverage gap with the uncovered time range")
    func vacuumedJournal() async throws {
        let entries = try SampleJournal.entries()
        let scratch = try TemporaryDirectory(prefix: "canh-vacuum")
        try FileManager.default.createDirectory(atPath: scratch.file("journal"), withIntermediateDirectories: true)
        let first = scratch.file("journal/system@0001.journal")
        try await SampleJournal.append(Array(entries.prefix(1000)), to: first, scratch: scratch)
        let collector = try await CollectorProcess()
        let agent = try await AgentProcess(collector: collector, journalDirectory: scratch.file("journal"))
        try agent.start()
        // The spool empties between batches too: only the last entry's checkpoint says all was read.
        let lastRead = try #require(Self.time(of: entries[999]))
        let readAll = try await eventually(seconds: 60) {
            let status = try await agent.status().standardOutput
            return status.contains("last entry read \(lastRead.iso8601)") && status.contains("spool           0 record")
        }
        #expect(readAll)
        #expect(try await agent.send(SIGTERM) == 0)

        // While the agent is stopped, the file holding its position is deleted and journald
        // goes on in a new file (entries 1,500 on; 1,000–1,499 were never read). Only entries
        // before the sample's own silence at 07:50 follow, since that gap would be the same
        // finding (host, rule, boot) with later evidence.
        try FileManager.default.removeItem(atPath: first)
        let later = entries.dropFirst(1500).prefix { (Self.time(of: $0) ?? .at("2026-11-22T00:00:00Z")) < .at("2026-11-21T07:00:00Z") }
        try await SampleJournal.append(Array(later), to: scratch.file("journal/system.journal"), scratch: scratch)
        try agent.start()
        let gap = try await eventually(seconds: 60) {
            let admin = try collector.client()
            defer { Task { await admin.shutdown() } }
            let gaps: [FindingState] = try await admin.get("/api/v1/findings", query: [("rule", "log.coverage.gap")])
            return gaps.contains { $0.evidence.contains("no longer exists") }
        }
        #expect(gap, "agent log:\n\(agent.output.suffix(3000))")
        let admin = try collector.client()
        defer { Task { await admin.shutdown() } }
        let gaps: [FindingState] = try await admin.get("/api/v1/findings", query: [("rule", "log.coverage.gap")])
        let lost = try #require(gaps.first { $0.evidence.contains("no longer exists") })
        let firstLeft = try #require(Self.time(of: entries[1500]))
        #expect(lost.evidence.contains("\"from\":\"\(lastRead.iso8601)\""), "\(lost.evidence)")
        #expect(lost.evidence.contains("\"to\":\"\(firstLeft.iso8601)\""), "\(lost.evidence)")
        #expect(try await agent.send(SIGTERM) == 0)
    }

    @Test("SIGHUP with a broken rule pack keeps the running pack and says why; a good pack is taken")
    func reloadRefusesBrokenPack() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-reload")
        let journals = try await SampleJournal.directory(withFirst: 50, in: scratch)
        let rules = scratch.file("rules")
        _ = try await ProcessRunner.run("/bin/cp", ["-r", ProcessRunner.repositoryRoot + "/rules", rules])
        let collector = try await CollectorProcess()
        let agent = try await AgentProcess(collector: collector, journalDirectory: journals)
        var text = try String(contentsOfFile: agent.configuration, encoding: .utf8)
        text = text.replacingOccurrences(of: "rules = \"\(ProcessRunner.repositoryRoot)/rules\"", with: "rules = \"\(rules)\"")
        try text.write(toFile: agent.configuration, atomically: true, encoding: .utf8)
        try agent.start()
        #expect(await eventually(seconds: 30) { agent.output.contains("canh-agent started") })

        let coverage = rules + "/journal/coverage.yaml"
        let good = try String(contentsOfFile: coverage, encoding: .utf8)
        try good.replacingOccurrences(of: "severity: high", with: "severity: extreme").write(
            toFile: coverage, atomically: true, encoding: .utf8)
        try await agent.send(SIGHUP)
        #expect(await eventually(seconds: 20) { agent.output.contains("reload refused") })
        #expect(agent.output.contains("coverage.yaml:8"))
        let status = try await agent.status()
        #expect(status.standardOutput.contains("last reload     refused"), "\(status.standardOutput)")
        #expect(status.status == 1)

        try good.write(toFile: coverage, atomically: true, encoding: .utf8)
        try await agent.send(SIGHUP)
        #expect(await eventually(seconds: 20) { agent.output.contains("<5>reloaded") })
        #expect(try await agent.status().standardOutput.contains("last reload") == false)
        #expect(try await agent.send(SIGTERM) == 0)
    }

    @Test("under systemd the agent says READY with a status line, feeds the watchdog and says STOPPING on SIGTERM")
    func serviceManagerNotifications() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-notify")
        let journals = try await SampleJournal.directory(withFirst: 50, in: scratch)
        let collector = try await CollectorProcess()
        let metricsPort = try FreePort.next()
        let agent = try await AgentProcess(
            collector: collector, journalDirectory: journals, agentSettings: "metrics = \"127.0.0.1:\(metricsPort)\"")
        let manager = try NotifySocket(in: scratch)
        try agent.start(environment: ["NOTIFY_SOCKET": manager.path, "WATCHDOG_USEC": "1000000"])
        defer { manager.stop() }
        let started = try await manager.messages(waitingFor: "READY=1", seconds: 30)
        let ready = try #require(started.first { $0.contains("READY=1") }, "\(started)")
        #expect(ready.contains("STATUS=following the journal; rules 2026.11.0 at level 3"), "\(ready)")
        #expect(!started.prefix { !$0.contains("READY=1") }.contains("WATCHDOG=1"), "no keep-alive before the journal is read")
        #expect(try await manager.messages(waitingFor: "WATCHDOG=1", seconds: 10).contains("WATCHDOG=1"))

        // The optional metrics, on loopback: the 50 entries read, and a delivery round done.
        #expect(try await FreePort.waitUntilListening(metricsPort, seconds: 10))
        let counted = try await eventually(seconds: 20) {
            let text = try await Self.metrics(port: metricsPort)
            return text.contains("canh_agent_journal_entries_total 50\n")
                && text.contains("canh_agent_last_delivery_timestamp_seconds 1")
        }
        #expect(counted)
        #expect(try await agent.send(SIGTERM) == 0)
        #expect(try await manager.messages(waitingFor: "STOPPING=1", seconds: 10).contains("STOPPING=1"))
    }

    @Test("a rule whose pattern gives up on entries is logged once and counted by rule in the metrics; the agent reads on")
    func patternLimitsAreCounted() async throws {
        let scratch = try TemporaryDirectory(prefix: "canh-pattern-limit")
        let pack = try TestPacks.withBacktrackingRule(in: scratch)
        try FileManager.default.createDirectory(atPath: scratch.file("journal"), withIntermediateDirectories: true)
        let entries = (0..<3).map { index in
            FixtureEntry(
                time: .at("2026-11-21T10:00:0\(index)Z"),
                ["SYSLOG_IDENTIFIER": "slowapp", "MESSAGE": index == 2 ? "aaaa" : TestPacks.backtrackingMessage])
        }
        let journal = try await JournalFixture.write(entries, named: "slow.journal", in: scratch)
        try FileManager.default.moveItem(atPath: journal, toPath: scratch.file("journal/slow.journal"))
        let collector = try await CollectorProcess()
        let metricsPort = try FreePort.next()
        let agent = try await AgentProcess(
            collector: collector, journalDirectory: scratch.file("journal"), agentSettings: "metrics = \"127.0.0.1:\(metricsPort)\"",
            rules: pack)
        try agent.start()
        #expect(try await FreePort.waitUntilListening(metricsPort, seconds: 10))
        let counted = try await eventually(seconds: 20) {
            let text = try await Self.metrics(port: metricsPort)
            return text.contains(#"canh_agent_pattern_limit_hits_total{rule="test.backtracking"} 2"#)
                && text.contains("canh_agent_journal_entries_total 3\n")
        }
        #expect(counted)
        let warnings = agent.output.components(separatedBy: "message pattern gave up").count - 1
        #expect(warnings == 1, "logged once per rule: \(agent.output)")
        let found = try await eventually(seconds: 20) {
            try await collector.findingSummary().contains { $0.hasPrefix("test.backtracking aaaa") }
        }
        #expect(found, "the entry after the give-ups was still matched and delivered")
        #expect(try await agent.send(SIGTERM) == 0)
    }

    /// The agent's `/metrics` page, fetched over HTTP on loopback.
    static func metrics(port: Int) async throws -> String {
        try await ProcessRunner.run(
            "/usr/bin/python3",
            [
                "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                "http://127.0.0.1:\(port)/metrics",
            ]
        ).standardOutput
    }

    static func time(of exportEntry: String) -> Timestamp? {
        for line in exportEntry.split(separator: "\n") where line.hasPrefix("__REALTIME_TIMESTAMP=") {
            return Int64(line.dropFirst("__REALTIME_TIMESTAMP=".count)).map { Timestamp(microsecondsSinceEpoch: $0) }
        }
        return nil
    }
}

/// A reproducible generator (SplitMix64), so a failing run can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
