import CanhModel
import Foundation
import TestSupport
import Testing

/// `serve` stopped as systemd stops it (SIGTERM) while agents deliver: the HTTPS service stops
/// first and finishes what it accepted, so every acknowledged batch is stored.
@Suite struct ServeShutdownTests {
    let collector = ProcessRunner.builtProduct("canh-collector")

    func record(_ index: Int, at time: Timestamp) -> FindingRecord {
        let entity = "198.51.100.\(index)"
        let fingerprint = FindingRecord.fingerprint(host: "web01", rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "\(index)"), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: .fail, severity: .high, level: Level.all[2], requirements: [], host: "web01",
            entity: entity, time: time, firstSeen: time, count: 1, title: LocalizedText(vi: "Dò", en: "Guess"), evidence: Evidence([]))
    }

    @Test("SIGTERM while an agent delivers: serve says STOPPING, exits 0, and every batch it acknowledged is stored")
    func gracefulShutdown() async throws {
        let data = try TemporaryDirectory(prefix: "canh-shutdown")
        let estate = try await CollectorUnderTest(binary: collector, data: data)
        let configuration = try data.write(
            "[collector]\ndata_dir = \"\(data.file("collector"))\"\nlisten = \"127.0.0.1:\(estate.port)\"\n", to: "collector.toml")
        let manager = try NotifySocket(in: data)
        defer { manager.stop() }
        let server = try await BackgroundServer(
            collector, ["serve", "--config", configuration], port: estate.port, environment: ["NOTIFY_SOCKET": manager.path])
        try await estate.registerPortalAndEnroll()
        let time = Timestamp.now()
        let progress = AckCounter()
        let delivering = Task {
            for index in 0..<200 {
                do {
                    try await estate.deliver(record(index, at: time))
                    await progress.acknowledged(index)
                } catch {
                    return
                }
            }
        }
        await progress.wait(untilAtLeast: 20)
        let status = try await server.terminate()
        await delivering.value
        #expect(status == 0, "serve exited with \(status.map(String.init) ?? "nothing yet")")
        #expect(try await manager.messages(waitingFor: "STOPPING=1", seconds: 5).contains { $0.contains("STOPPING=1") })
        let acknowledged = await progress.indices
        #expect(acknowledged.count >= 20 && acknowledged.count < 200, "\(acknowledged.count) acknowledged")
        // Started again: every acknowledged record is there.
        let again = try await estate.serve(configuration)
        let listed = try await estate.run(["findings", "--format", "json"])
        let entities = Set(
            try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
                .compactMap { $0["entity"] as? String })
        #expect(acknowledged.allSatisfy { entities.contains("198.51.100.\($0)") })
        _ = again
    }
}

private actor AckCounter {
    private(set) var indices: [Int] = []

    func acknowledged(_ index: Int) { indices.append(index) }

    func wait(untilAtLeast count: Int) async {
        while indices.count < count { try? await Task.sleep(for: .milliseconds(10)) }
    }
}
