import Agent
import CanhModel
import CollectorClient
import Foundation
import TestSupport
import Testing

/// Several collectors on one PostgreSQL database (issue 24), as real processes: agents split
/// between them fail over when one is killed, batches re-sent to the other are stored once, and
/// the outbox is delivered by one collector at a time.
@Suite struct SharedDatabaseTests {
    let collector = ProcessRunner.builtProduct("canh-collector")
    let receivers = ProcessRunner.repositoryRoot + "/Tests/TestSupport/alert_receivers.py"
    let python = "/usr/bin/python3"
    static let hosts = 4
    static let batches = 12
    static let recordsPerBatch = 50

    /// A collector of the pair: its data directory (the CA and server keys are shared), its port
    /// and configuration, and the process while it runs.
    final class Member: @unchecked Sendable {
        // @unchecked: used from the test's task and the killer task one after the other.
        let name: String
        let port: Int
        let configuration: String
        let environment: [String: String]
        let binary: String
        var process: BackgroundServer?
        var url: String { "https://127.0.0.1:\(port)" }

        init(name: String, port: Int, configuration: String, environment: [String: String], binary: String) {
            self.name = name
            self.port = port
            self.configuration = configuration
            self.environment = environment
            self.binary = binary
        }

        func start() async throws {
            process = try await BackgroundServer(binary, ["serve", "--config", configuration], port: port, environment: environment)
        }

        /// SIGKILL, whatever it is doing.
        func kill() { process = nil }
    }

    func record(host: String, batch: Int, index: Int, at time: Timestamp) -> FindingRecord {
        let entity = "198.51.\(batch).\(index)"
        let fingerprint = FindingRecord.fingerprint(host: host, rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "\(batch)-\(index)"), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: .fail, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-01"],
            host: host, entity: entity, time: time, firstSeen: time, count: 3, title: LocalizedText(vi: "Dò mật khẩu", en: "Brute force"),
            evidence: Evidence([("src_ip", .text(entity))]))
    }

    @Test(
        "two collectors on one PostgreSQL database, agents split between them, one killed and restarted during delivery: every finding once with its count, every re-sent batch a duplicate, every alert received, by one collector at a time"
    )
    func twoCollectorsOneDatabase() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.database()
        let databaseName = String(database.split(separator: "/").last?.split(separator: "?").first ?? "")
        let data = try TemporaryDirectory(prefix: "canh-two-collectors")
        let out = data.file("webhook.jsonl")
        let webhook = try await BackgroundServer(python, [receivers, "webhook", "{port}", out, "s3cret"])
        let environment = ["CANH_DATABASE_PASSWORD": cluster.password]
        let initialised = try await ProcessRunner.run(
            collector, ["init", "--data-dir", data.file("a"), "--database", database, "--hostname", "127.0.0.1"],
            environment: environment)
        try #require(initialised.status == 0, "\(initialised.standardError)")
        let adminToken = try #require(initialised.outputLines.last)
        // The second collector serves with the first one's CA and server certificate.
        try FileManager.default.copyItem(atPath: data.file("a"), toPath: data.file("b"))
        var started: [Member] = []
        for name in ["a", "b"] {
            let port = try FreePort.next()
            let configuration = try data.write(
                """
                [collector]
                data_dir = "\(data.file(name))"
                listen = "127.0.0.1:\(port)"
                database = "\(database)"

                [alerts]
                poll_interval = "1s"
                claim_timeout = "3s"

                [[alerts.channels]]
                name = "soc"
                type = "webhook"
                url = "http://127.0.0.1:\(webhook.port)/canh"
                secret = "s3cret"
                limit = 100000
                limit_per_rule = 100000

                [[alerts.rules]]
                name = "opened"
                transitions = ["open"]
                channels = ["soc"]
                """, to: "collector-\(name).toml")
            let member = Member(name: name, port: port, configuration: configuration, environment: environment, binary: collector)
            try await member.start()
            started.append(member)
        }
        let members = started
        let (first, second) = (members[0], members[1])
        func command(_ arguments: [String], on member: Member) async throws -> ProcessResult {
            try await ProcessRunner.run(
                collector, arguments, environment: ["CANH_SERVER": member.url, "CANH_TOKEN": adminToken, "CANH_CA": data.file("a/ca.pem")])
        }
        let added = try await command(
            ["system", "add", "--id", "hy-dvc", "--name", "Cổng dịch vụ công", "--owner", "UBND", "--level", "3"], on: first)
        try #require(added.status == 0, "\(added.standardError)")
        // Enrolled through either collector: the token and the hosts are in the one database.
        let token = try #require(
            try await command(["token", "create", "--system", "hy-dvc", "--uses", "\(Self.hosts)"], on: second).outputLines.last)
        var enrolled: [(hostname: String, state: String, home: Int)] = []
        for index in 0..<Self.hosts {
            let hostname = "web\(index)"
            let state = data.file("agent-\(index)")
            _ = try await Enrollment(collectorURL: members[index % 2].url, caFile: data.file("a/ca.pem"), stateDirectory: state)
                .enroll(token: token, hostname: hostname, agentVersion: "test", machineID: MachineIDs.fresh())
            enrolled.append((hostname, state, index % 2))
        }
        let agents = enrolled

        let start = Timestamp.now()
        let progress = Progress()
        // Each agent sends its batches to its own collector; when that one does not answer, it
        // sends the same batch to the other (as a load balancer would), and goes back after.
        let results = try await withThrowingTaskGroup(of: (stored: Int, duplicates: Int, failovers: Int).self) { group in
            for agent in agents {
                group.addTask {
                    var stored = 0
                    var duplicates = 0
                    var failovers = 0
                    for batch in 0..<Self.batches {
                        let records = (0..<Self.recordsPerBatch).map {
                            self.record(host: agent.hostname, batch: batch, index: $0, at: start + .seconds(Int64(batch)))
                        }
                        var target = agent.home
                        var attempts = 0
                        while true {
                            attempts += 1
                            do {
                                let summary = try await Self.deliver(records, to: members[target], state: agent.state)
                                stored += summary.accepted
                                duplicates += summary.duplicates
                                break
                            } catch {
                                guard attempts < 40 else { throw error }
                                failovers += 1
                                target = 1 - target
                                try await Task.sleep(for: .milliseconds(100))
                            }
                        }
                        await progress.batchDone()
                    }
                    // Every agent sends its first batch again, to the collector it does not use.
                    let again = (0..<Self.recordsPerBatch).map { self.record(host: agent.hostname, batch: 0, index: $0, at: start) }
                    // (It may be the one being restarted: the agent waits for it.)
                    for attempt in 1...100 {
                        do {
                            let summary = try await Self.deliver(again, to: members[1 - agent.home], state: agent.state)
                            return (stored + summary.accepted, duplicates + summary.duplicates, failovers)
                        } catch {
                            guard attempt < 100 else { throw error }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    return (stored, duplicates, failovers)
                }
            }
            // The first collector is killed in the middle of the deliveries and started again.
            group.addTask {
                await progress.wait(untilBatches: Self.hosts * Self.batches / 3)
                first.kill()
                try await Task.sleep(for: .seconds(2))
                try await first.start()
                return (0, 0, 0)
            }
            var all: [(stored: Int, duplicates: Int, failovers: Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let total = Self.hosts * Self.batches * Self.recordsPerBatch
        #expect(results.map(\.stored).reduce(0, +) == total, "every record acknowledged once as stored")
        #expect(results.map(\.duplicates).reduce(0, +) >= Self.hosts * Self.recordsPerBatch, "the batches sent again are duplicates")
        #expect(results.map(\.failovers).reduce(0, +) > 0, "agents of the killed collector went to the other")

        // Every finding once, with the count of the one record that made it.
        #expect(try await cluster.psql("SELECT count(*) FROM findings", database: databaseName).trimmed == "\(total)")
        #expect(try await cluster.psql("SELECT count(*) FROM findings WHERE count <> 3", database: databaseName).trimmed == "0")
        #expect(try await cluster.psql("SELECT count(*) FROM records", database: databaseName).trimmed == "\(total)")
        let findings = try await command(["findings", "--status", "open", "--format", "json"], on: second)
        #expect(findings.status == 0)

        // Every message delivered: the outbox empties, each (key, channel) marked sent once, and
        // the receiver has every key; a key twice only for what the killed collector had sent but
        // not yet marked (at most one message per channel: it marks each before the next).
        var pending = ""
        for _ in 0..<120 {
            pending = try await cluster.psql("SELECT count(*) FROM alert_outbox WHERE state <> 'sent'", database: databaseName).trimmed
            if pending == "0" { break }
            try await Task.sleep(for: .seconds(1))
        }
        #expect(pending == "0", "the outbox emptied")
        let queued = try await cluster.psql("SELECT key FROM alert_outbox WHERE channel = 'soc' ORDER BY key", database: databaseName)
            .split(separator: "\n").map(String.init)
        #expect(queued.count == total, "one message per opened finding")
        let received = try await JSONLines.wait(for: queued.count, in: out, seconds: 30)
        let keys = received.compactMap { $0["key"] as? String }
        #expect(
            Set(keys).count == queued.count && Set(keys).isSuperset(of: queued),
            "every message received: \(Set(keys).count) of \(queued.count)")
        let repeats = keys.count - Set(keys).count
        #expect(repeats <= 1, "\(repeats) message(s) received twice")
        #expect(received.allSatisfy { $0["signature_ok"] as? Bool == true })
        let claimants = try await cluster.psql("SELECT count(DISTINCT claimed_by) FROM alert_outbox", database: databaseName).trimmed
        #expect((Int(claimants) ?? 0) >= 2, "both collectors delivered (\(claimants) claimants)")
        print(
            "two collectors, one database: \(total) records from \(Self.hosts) agents stored once, "
                + "\(results.map(\.duplicates).reduce(0, +)) re-sent records recognised, \(results.map(\.failovers).reduce(0, +)) failovers, "
                + "\(queued.count) alerts received (\(repeats) twice), \(claimants) claimants")
        _ = webhook
    }

    static func deliver(_ records: [FindingRecord], to member: Member, state: String) async throws -> IngestSummary {
        let client = try CollectorClient(
            CollectorConnection(
                url: member.url, caFile: state + "/collector-ca.pem", clientCertificateFile: state + "/agent.pem",
                clientKeyFile: state + "/agent.key"))
        do {
            let summary = try await client.deliver(records)
            await client.shutdown()
            return summary
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// How far the agents are, for the test's killer.
private actor Progress {
    private var batches = 0

    func batchDone() { batches += 1 }

    func wait(untilBatches count: Int) async {
        while batches < count { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
