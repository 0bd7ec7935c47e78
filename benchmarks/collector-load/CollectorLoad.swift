import ArgumentParser
import CanhModel
import CollectorClient
import CollectorPKI
import CollectorStore
import Foundation
import PostgresStore

/// Load for the collector (issue 5): N agents over real mutual TLS sending batches, and the
/// same records written straight into a store as the baseline; filtered findings queries over
/// HTTPS and straight on the store. Prints one JSON object per run for benchmarks/collector-ingest.
@main
struct CollectorLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canh-collector-load", abstract: "Load generator for canh-collector.",
        subcommands: [Ingest.self, Baseline.self, Seed.self, SeedEstate.self, Query.self, Decode.self])
}

/// The records agent `agent` sends in batch `batch`: each a new finding (brute force from a
/// distinct address), as a busy estate produces them.
func loadRecords(agent: Int, hostname: String, batch: Int, count: Int, time: Timestamp) -> [FindingRecord] {
    (0..<count).map { index in
        let entity = "10.\(batch % 256).\(index / 256 % 256).\(index % 256)-\(batch)"
        let fingerprint = FindingRecord.fingerprint(host: hostname, rule: "auth.ssh.bruteforce", entity: entity)
        return FindingRecord(
            id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "\(batch)-\(index)"), fingerprint: fingerprint,
            rule: "auth.ssh.bruteforce", outcome: .fail, severity: index % 10 == 0 ? .critical : (index % 3 == 0 ? .high : .medium),
            level: Level.all[2], requirements: ["ND85-SRV-AUTH-01", "ND85-SRV-LOG-01"], host: hostname, entity: entity, time: time,
            firstSeen: time, count: 5,
            title: LocalizedText(vi: "Dò mật khẩu SSH từ một địa chỉ", en: "SSH password guessing from one address"),
            evidence: Evidence([
                ("method", .text("password")), ("user", .text("root")), ("src_ip", .text(entity)), ("window", .text("10m")),
                ("sample", .text("Failed password for root from \(entity) port 50122 ssh2")),
            ]))
    }
}

/// CPU time (user + system) this process has used since the clock was made.
struct ProcessClock {
    private let start = ProcessClock.now()

    var elapsed: Double { ProcessClock.now() - start }

    private static func now() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

/// The store at `database`: a SQLite file, or a PostgreSQL address (password in
/// CANH_DATABASE_PASSWORD) that `canh-collector init` has migrated.
func openStore(_ database: String) async throws -> any CollectorStore {
    guard PostgresLocation.names(database) else { return try SQLiteCollectorStore(path: database) }
    return try await PostgresCollectorStore(
        location: try PostgresLocation(url: database, password: ProcessInfo.processInfo.environment["CANH_DATABASE_PASSWORD"]))
}

func printJSON(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enroll N agents, then have all of them send batches at once.")
    @Option(help: "A collector; repeated: collectors sharing one store, agent N sending to the (N mod count)th.") var server: [String]
    @Option var ca: String
    @Option var adminToken: String
    @Option var agents = 1000
    @Option var batches = 5
    @Option var records = 100
    @Option(help: "Where the agents' keys and certificates go.") var work: String
    @Option(
        help:
            "Offered load in records/s, spread evenly over the agents (each sends a batch every agents*records/rate seconds, starting at a random moment); 0: every agent sends as fast as it is answered."
    )
    var rate: Double = 0
    @Option(help: "Host names are TAG-N, so that runs against one collector do not overlap.") var tag = "load"

    func run() async throws {
        let admin = try CollectorClient(CollectorConnection(url: server[0], caFile: ca, token: adminToken))
        let system = InformationSystem(id: "load", name: "Load test", owner: "Canh", level: Level.all[2])
        let _: InformationSystem? = try? await admin.post("/api/v1/systems", body: system)
        let token: APIMessages.TokenResponse = try await admin.post(
            "/api/v1/tokens", body: APIMessages.TokenRequest(system: "load", expiresIn: 86_400, uses: agents))
        await admin.shutdown()

        // Enrollment, 32 at a time: real CSRs, real certificates.
        let enrollStarted = ContinuousClock.now
        var directories: [Int: String] = [:]
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for agent in 0..<agents {
                if agent >= 32, let (index, directory) = try await group.next() { directories[index] = directory }
                group.addTask {
                    let directory = "\(work)/\(tag)-\(agent)"
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    let keys = try AgentKeyPair.generate(hostname: "\(tag)-\(agent)")
                    let client = try CollectorClient(CollectorConnection(url: server[0], caFile: ca))
                    let answer: APIMessages.EnrollResponse = try await client.post(
                        "/api/v1/enroll",
                        body: APIMessages.EnrollRequest(token: token.token, hostname: "\(tag)-\(agent)", csr: keys.requestPEM))
                    await client.shutdown()
                    try keys.keyPEM.write(toFile: directory + "/agent.key", atomically: true, encoding: .utf8)
                    try answer.certificate.write(toFile: directory + "/agent.pem", atomically: true, encoding: .utf8)
                    return (agent, directory)
                }
            }
            for try await (index, directory) in group { directories[index] = directory }
        }
        let enrollSeconds = (ContinuousClock.now - enrollStarted) / .seconds(1)

        // Every agent has its own client (its own TLS connection); all send their batches at once,
        // each agent one batch after another.
        let clients = try (0..<agents).map { agent in
            let directory = directories[agent] ?? ""
            return try CollectorClient(
                CollectorConnection(
                    url: server[agent % server.count], caFile: ca, clientCertificateFile: directory + "/agent.pem", clientKeyFile: directory + "/agent.key"))
        }
        // Each agent starts as a running agent does, with a heartbeat, which opens its mutual-TLS
        // connection; the batches are timed from then on (a running agent keeps its connection).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (agent, client) in clients.enumerated() {
                if agent >= 32 { try await group.next() }
                group.addTask {
                    let _: APIMessages.HeartbeatReply = try await client.post(
                        "/api/v1/heartbeat", body: APIMessages.Heartbeat(agentVersion: "load", rulesVersion: nil, spoolDepth: 0))
                }
            }
            try await group.waitForAll()
        }
        // Each agent's batches are encoded before the clock starts: on a real estate every agent
        // encodes on its own machine, and here the generator shares the collector's two cores.
        let time = Timestamp.now()
        let payloads = (0..<agents).map { agent in
            (0..<batches).map { batch in
                CollectorClient.batchBody(loadRecords(agent: agent, hostname: "\(tag)-\(agent)", batch: batch, count: records, time: time))
            }
        }
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (agent, client) in clients.enumerated() {
                let hostname = "\(tag)-\(agent)"
                let bodies = payloads[agent]
                let interval = rate > 0 ? Double(agents * records) / rate : 0
                group.addTask {
                    var own: [Double] = []
                    let phase = Double.random(in: 0..<max(interval, 0.001))
                    for batch in 0..<batches {
                        if interval > 0 {
                            let due = started + .seconds(phase + Double(batch) * interval)
                            try await Task.sleep(until: due, clock: .continuous)
                        }
                        let sent = ContinuousClock.now
                        let summary = try await client.deliver(batchBody: bodies[batch])
                        guard summary.accepted == records else { throw ValidationError("batch \(batch) of \(hostname): \(summary)") }
                        own.append((ContinuousClock.now - sent) / .milliseconds(1))
                    }
                    return own
                }
            }
            var all: [Double] = []
            for try await own in group { all += own }
            return all.sorted()
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        for client in clients { await client.shutdown() }
        let total = agents * batches * records
        try printJSON([
            "mode": "ingest", "offered_rate": rate, "agents": agents, "batches_per_agent": batches, "records_per_batch": records,
            "records": total,
            "enroll_seconds": enrollSeconds, "seconds": seconds, "records_per_second": Double(total) / seconds,
            "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99), "max_ms": latencies.last ?? 0,
        ])
    }
}

struct Baseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The same records written straight into a fresh store, one batch per transaction.")
    @Option var database: String
    @Option var agents = 1000
    @Option var batches = 5
    @Option var records = 100
    @Flag(help: "Submit every batch at once, so that the store commits them in groups as the collector does.") var concurrent = false

    func run() async throws {
        let store = try SQLiteCollectorStore(path: database)
        try await store.addSystem(InformationSystem(id: "load", name: "Load test", owner: "Canh", level: Level.all[2]))
        let time = Timestamp.now()
        var hosts: [EnrolledHost] = []
        for agent in 0..<agents {
            let host = EnrolledHost(agentID: "agent-\(agent)", hostname: "load-\(agent)", system: "load", enrolledAt: time)
            try await store.addHost(host)
            hosts.append(host)
        }
        let work = (0..<batches).flatMap { batch in
            hosts.enumerated().map { agent, host in
                (host, loadRecords(agent: agent, hostname: host.hostname, batch: batch, count: records, time: time))
            }
        }
        let started = ContinuousClock.now
        let clock = ProcessClock()
        if concurrent {
            // Every batch submitted at once: the store's group commit takes them as they queue.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (host, batch) in work { group.addTask { _ = try await store.ingest(batch, from: host, at: time) } }
                try await group.waitForAll()
            }
        } else {
            for (host, batch) in work { _ = try await store.ingest(batch, from: host, at: time) }
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        let total = agents * batches * records
        try printJSON([
            "mode": concurrent ? "store-grouped" : "baseline", "records": total, "seconds": seconds,
            "records_per_second": Double(total) / seconds, "cpu_microseconds_per_record": clock.elapsed / Double(total) * 1e6,
        ])
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fill a collector's store up to N findings, straight into the store.")
    @Option var database: String
    @Option var findings = 1_000_000

    func run() async throws {
        let store = try await openStore(database)
        if try await store.system(id: "seed") == nil {
            try await store.addSystem(InformationSystem(id: "seed", name: "Seeded estate", owner: "Canh", level: Level.all[3]))
        }
        let time = Timestamp.now()
        let hostsCount = 2000
        var hosts: [EnrolledHost] = []
        for index in 0..<hostsCount {
            let host = EnrolledHost(agentID: "seed-\(index)", hostname: "seed-\(index)", system: "seed", enrolledAt: time)
            if try await store.host(agentID: host.agentID) == nil { try await store.addHost(host) }
            hosts.append(host)
        }
        let perHostBatch = 500
        var written = 0
        var batch = 0
        while written < findings {
            for (index, host) in hosts.enumerated() where written < findings {
                let count = min(perHostBatch, findings - written)
                _ = try await store.ingest(
                    loadRecords(agent: index, hostname: host.hostname, batch: batch, count: count, time: time), from: host, at: time)
                written += count
            }
            batch += 1
        }
        try printJSON(["mode": "seed", "findings": written])
    }
}

/// A province for the report benchmark (issue 7): systems at every level under a dozen owners,
/// hosts that report state checks and detections, some silent, attestations on half the systems.
struct SeedEstate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-estate", abstract: "Fill a store with a province's estate.")
    @Option var database: String
    @Option var systems = 500
    @Option var hostsPerSystem = 10
    @Option(help: "Detections per host: 2 brute-force sources, the rest invalid users, sudo refusals, lockouts (console benchmark: 193).")
    var detectionsPerHost = 2

    static let stateRules: [(rule: String, requirements: [String])] = [
        ("ssh.config.root_login", ["ND85-SRV-AUTH-02"]), ("ssh.config.password_auth", ["ND85-SRV-AUTH-01"]),
        ("auth.password_policy.weak", ["ND85-SRV-AUTH-01"]), ("auth.lockout.missing", ["ND85-SRV-AUTH-01"]),
        ("time.sync.disabled", ["ND85-SRV-LOG-02"]), ("log.storage.volatile", ["ND85-SRV-LOG-01"]),
        ("log.retention.insufficient", ["ND85-SRV-LOG-01"]),
    ]

    func run() async throws {
        let store = try SQLiteCollectorStore(path: database)
        let now = Timestamp.now()
        let owners = (1...12).map { "Sở \($0) tỉnh Hưng Yên" }
        var hostCount = 0
        var records = 0
        for index in 0..<systems {
            let level = Level.all[index % 5]
            let system = InformationSystem(
                id: "sys-\(index)", name: "Hệ thống thông tin số \(index)", owner: owners[index % owners.count], level: level,
                dossier: index % 5 < 3 ? .approved : (index % 5 == 3 ? .submitted : .none),
                decisionNumber: index % 5 < 3 ? "\(index)/QĐ-UBND" : nil, decisionDate: index % 5 < 3 ? "2025-06-30" : nil)
            try await store.addSystem(system)
            for hostIndex in 0..<hostsPerSystem {
                let host = EnrolledHost(
                    agentID: "agent-\(index)-\(hostIndex)", hostname: "host-\(index)-\(hostIndex)", system: system.id,
                    enrolledAt: now - .days(100))
                try await store.addHost(host)
                hostCount += 1
                // One host in ten went silent a week ago.
                let seen = hostIndex == 9 ? now - .days(7) : now - .minutes(1)
                try await store.recordHeartbeat(agentID: host.agentID, agentVersion: "0.1.0", rulesVersion: "2026.11.0", at: seen)
                var batch = Self.records(
                    host: host.hostname, level: level, seed: index * 31 + hostIndex, detections: detectionsPerHost, time: seen)
                // The system's web server certificate, seen on its first host; one in seven expires within 30 days.
                var certificates: [CertificateRecord] = []
                if hostIndex == 0 {
                    let (record, certificate) = Self.certificate(
                        system: system.id, host: host.hostname, level: level, index: index, time: seen)
                    batch.append(record)
                    certificates.append(certificate)
                }
                _ = try await store.ingest(batch, certificates: certificates, from: host, at: seen)
                records += batch.count
            }
            if index % 2 == 0 {
                for requirement in ["ND85-MGT-POL-01", "ND85-MGT-ORG-01", "ND85-MGT-HR-01"] {
                    try await store.addAttestation(
                        Attestation(
                            system: system.id, requirement: requirement, evidence: "Quyết định \(index)/QĐ-UBND", attestedBy: "user:admin",
                            attestedAt: now - .days(30), expiresAt: now + .days(335)))
                }
            }
        }
        try printJSON(["mode": "seed-estate", "systems": systems, "hosts": hostCount, "records": records])
    }

    /// A web server certificate of a system and the state record about it (expiring or fine).
    static func certificate(system: String, host: String, level: Level, index: Int, time: Timestamp) -> (FindingRecord, CertificateRecord) {
        let fingerprint = StableDigest.hex(sha256: Array("certificate of \(system)".utf8))
        let notAfter = index % 7 == 0 ? time + .days(Int64(5 + index % 20)) : time + .days(Int64(120 + index % 200))
        let name = "\(system).hungyen.gov.vn"
        let certificate = CertificateRecord(
            fingerprint: fingerprint, subject: "CN=\(name), O=UBND tỉnh Hưng Yên", issuer: "CN=GlobalSign GCC R3 DV TLS CA 2020",
            names: [name, "www.\(name)"], notBefore: time - .days(200), notAfter: notAfter, key: "RSA 2048",
            signature: "sha256WithRSAEncryption",
            places: [CertificateRecord.Place(host: host, place: "/etc/nginx/ssl/\(system).pem", firstSeen: time, lastSeen: time)])
        let outcome: Outcome = index % 7 == 0 ? .fail : .pass
        let findingFingerprint = FindingRecord.fingerprint(host: host, rule: "tls.cert.expiring", entity: fingerprint)
        let record = FindingRecord(
            id: FindingRecord.id(fingerprint: findingFingerprint, outcome: outcome, trigger: time.iso8601), fingerprint: findingFingerprint,
            rule: "tls.cert.expiring", outcome: outcome, severity: .medium, level: level, requirements: ["ND85-APP-CERT-01"], host: host,
            entity: fingerprint, time: time, firstSeen: nil, count: 1,
            title: LocalizedText(vi: "Chứng thư số sắp hết hạn", en: "Certificate expiring soon"),
            evidence: Evidence([
                ("subject", .text(certificate.subject)), ("not_after", .text(notAfter.iso8601)),
                ("places", .list(["/etc/nginx/ssl/\(system).pem"])),
            ]))
        return (record, certificate)
    }

    static let otherDetections: [(rule: String, severity: Severity, title: LocalizedText)] = [
        (
            "auth.ssh.invalid_user", .medium,
            LocalizedText(vi: "Đăng nhập SSH bằng tài khoản không tồn tại", en: "SSH login as an unknown user")
        ),
        ("auth.sudo.failure", .medium, LocalizedText(vi: "Sử dụng sudo bị từ chối", en: "sudo use refused")),
        ("auth.account.locked", .low, LocalizedText(vi: "Tài khoản bị khóa", en: "Account locked")),
    ]

    /// Seven state checks (one in four failing) and `detections` detections per host: two
    /// brute-force sources, then the other detections in turn.
    static func records(host: String, level: Level, seed: Int, detections: Int = 2, time: Timestamp) -> [FindingRecord] {
        var records: [FindingRecord] = []
        for (offset, check) in stateRules.enumerated() {
            let outcome: Outcome = (seed + offset) % 4 == 0 ? .fail : .pass
            let fingerprint = FindingRecord.fingerprint(host: host, rule: check.rule, entity: host)
            records.append(
                FindingRecord(
                    id: FindingRecord.id(fingerprint: fingerprint, outcome: outcome, trigger: time.iso8601), fingerprint: fingerprint,
                    rule: check.rule, outcome: outcome, severity: .medium, level: level, requirements: check.requirements, host: host,
                    entity: host, time: time, firstSeen: nil, count: 1, title: LocalizedText(vi: check.rule, en: check.rule),
                    evidence: Evidence([("setting", .text("checked"))])))
        }
        for attempt in 0..<2 {
            let entity = "203.0.\(seed % 250).\(attempt)"
            let fingerprint = FindingRecord.fingerprint(host: host, rule: "auth.ssh.bruteforce", entity: entity)
            records.append(
                FindingRecord(
                    id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: time.iso8601), fingerprint: fingerprint,
                    rule: "auth.ssh.bruteforce", outcome: .fail, severity: .high, level: level,
                    requirements: ["ND85-SRV-AUTH-01", "ND85-SRV-LOG-01"], host: host, entity: entity, time: time, firstSeen: time,
                    count: 7, title: LocalizedText(vi: "Dò mật khẩu SSH", en: "SSH password guessing"),
                    evidence: Evidence([("src_ip", .text(entity)), ("user", .text("root"))])))
        }
        for index in 2..<max(2, detections) {
            let detection = otherDetections[index % otherDetections.count]
            let entity = "user\(index)@198.51.\(seed % 250).\(index % 250)"
            let fingerprint = FindingRecord.fingerprint(host: host, rule: detection.rule, entity: entity)
            records.append(
                FindingRecord(
                    id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: time.iso8601), fingerprint: fingerprint,
                    rule: detection.rule, outcome: .fail, severity: detection.severity, level: level, requirements: ["ND85-SRV-AUTH-02"],
                    host: host, entity: entity, time: time, firstSeen: time, count: 1 + index % 5, title: detection.title,
                    evidence: Evidence([
                        ("user", .text("user\(index)")), ("src_ip", .text("198.51.\(seed % 250).\(index % 250)")),
                        ("lines", .list(["Invalid user user\(index) from 198.51.\(seed % 250).\(index % 250) port 50022"])),
                    ])))
        }
        return records
    }
}

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time filtered findings queries over HTTPS, and the same queries on the store.")
    @Option var server: String
    @Option var ca: String
    @Option var adminToken: String
    @Option var database: String
    @Option var rounds = 200

    func run() async throws {
        let filters: [[(String, String?)]] = [
            [("system", "seed"), ("severity", "critical"), ("status", "open"), ("limit", "100")],
            [("host", "seed-1234"), ("limit", "100")],
            [("rule", "auth.ssh.bruteforce"), ("severity", "high"), ("limit", "50")],
            [("system", "seed"), ("status", "open"), ("limit", "1000")],
        ]
        let client = try CollectorClient(CollectorConnection(url: server, caFile: ca, token: adminToken))
        var http: [Double] = []
        for round in 0..<rounds {
            let query = filters[round % filters.count]
            let started = ContinuousClock.now
            let found: [FindingState] = try await client.get("/api/v1/findings", query: query)
            http.append((ContinuousClock.now - started) / .milliseconds(1))
            guard !found.isEmpty else { throw ValidationError("query \(query) found nothing; seed the store first") }
        }
        await client.shutdown()
        let store = try await openStore(database)
        var direct: [Double] = []
        for round in 0..<rounds {
            let query = Dictionary(uniqueKeysWithValues: filters[round % filters.count].map { ($0.0, $0.1 ?? "") })
            let filter = FindingFilter(
                system: query["system"], host: query["host"], rule: query["rule"],
                minimumSeverity: query["severity"].flatMap(Severity.init),
                status: query["status"].flatMap(FindingStatus.init), limit: Int(query["limit"] ?? "") ?? 1000)
            let started = ContinuousClock.now
            _ = try await store.findings(filter)
            direct.append((ContinuousClock.now - started) / .milliseconds(1))
        }
        http.sort()
        direct.sort()
        let total = try await store.findings(FindingFilter(limit: 1)).count
        try printJSON([
            "mode": "query", "rounds": rounds, "http_p50_ms": percentile(http, 0.5), "http_p95_ms": percentile(http, 0.95),
            "store_p50_ms": percentile(direct, 0.5), "store_p95_ms": percentile(direct, 0.95), "nonempty": total,
        ])
    }
}

struct Decode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time reading a 100-record batch as the collector does, against Foundation's JSONSerialization.")
    @Option var rounds = 2000
    @Flag(help: "Only the collector's reader (for profiling).") var readerOnly = false

    func run() async throws {
        let batch = loadRecords(agent: 1, hostname: "load-1", batch: 1, count: 100, time: .now())
        let body = Data(JSONValue.object([("records", .array(batch.map(\.json)))]).serialized.utf8)
        if readerOnly {
            for _ in 0..<rounds { _ = try RecordBatchReader.records(from: Array(body)) }
            return
        }
        let readerStarted = ContinuousClock.now
        for _ in 0..<rounds { _ = try RecordBatchReader.records(from: Array(body)) }
        let reader = (ContinuousClock.now - readerStarted) / .seconds(1)
        let serializationStarted = ContinuousClock.now
        for _ in 0..<rounds { _ = try JSONSerialization.jsonObject(with: body) }
        let serialization = (ContinuousClock.now - serializationStarted) / .seconds(1)
        try printJSON([
            "mode": "decode", "bytes_per_batch": body.count,
            "serialization_microseconds_per_record": serialization / Double(rounds * 100) * 1e6,
            "reader_microseconds_per_record": reader / Double(rounds * 100) * 1e6, "reader_over_serialization": reader / serialization,
        ])
    }
}
