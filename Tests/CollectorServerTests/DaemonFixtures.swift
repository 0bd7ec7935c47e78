import Agent
import CanhModel
import CollectorClient
import Foundation
import TestSupport

/// `canh-collector` as a real process on its own data directory: it can be killed (SIGKILL) and
/// started again on the same port, as an operator would restart it.
final class CollectorProcess: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let data: TemporaryDirectory
    let port: Int
    let adminToken: String
    /// Lines for the `[collector]` table of a collector.toml that serve reads (none: no file).
    let settings: String
    private var server: BackgroundServer?

    var url: String { "https://127.0.0.1:\(port)" }
    var caFile: String { data.file("ca.pem") }

    /// Initialises the data directory, starts serving and registers the portal system at `level`.
    init(level: Int = 3, settings: String = "") async throws {
        self.settings = settings
        data = try TemporaryDirectory(prefix: "canh-collector-process")
        let initialised = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-collector"), ["init", "--data-dir", data.path, "--hostname", "127.0.0.1"])
        guard initialised.status == 0 else { throw FixtureError(description: "canh-collector init: \(initialised.standardError)") }
        adminToken = try String(contentsOfFile: data.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        port = try FreePort.next()
        try await start()
        let admin = try client()
        defer { Task { await admin.shutdown() } }
        let _: InformationSystem = try await admin.post(
            "/api/v1/systems",
            body: InformationSystem(
                id: "hy-portal", name: "Cổng thông tin điện tử tỉnh", owner: "UBND tỉnh Hưng Yên", level: Level.all[level - 1],
                dossier: .approved, decisionNumber: "1234/QĐ-UBND", decisionDate: "2025-06-30"))
    }

    func start() async throws {
        var arguments = ["serve", "--data-dir", data.path, "--listen", "127.0.0.1:{port}"]
        if !settings.isEmpty { arguments += ["--config", try data.write("[collector]\n" + settings + "\n", to: "collector.toml")] }
        server = try await BackgroundServer(ProcessRunner.builtProduct("canh-collector"), arguments, port: port)
    }

    /// Runs `canh-collector` as this collector's admin (or with `token`).
    func command(_ arguments: [String], token: String? = nil) async throws -> ProcessResult {
        try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-collector"), arguments,
            environment: ["CANH_SERVER": url, "CANH_TOKEN": token ?? adminToken, "CANH_CA": caFile])
    }

    /// SIGKILL: no flush, no goodbye.
    func kill() { server = nil }

    func client() throws -> CollectorClient {
        try CollectorClient(CollectorConnection(url: url, caFile: caFile, token: adminToken))
    }

    func enrollmentToken(system: String = "hy-portal") async throws -> String {
        let admin = try client()
        defer { Task { await admin.shutdown() } }
        let answer: APIMessages.TokenResponse = try await admin.post(
            "/api/v1/tokens", body: APIMessages.TokenRequest(system: system, expiresIn: 3600, uses: 5))
        return answer.token
    }

    /// Every finding state, as comparable lines: rule, entity, outcome, count, first and last seen.
    func findingSummary() async throws -> [String] {
        let admin = try client()
        defer { Task { await admin.shutdown() } }
        let findings: [FindingState] = try await admin.get("/api/v1/findings", query: [("limit", "100000")])
        return findings.map {
            "\($0.rule) \($0.entity) \($0.outcome.rawValue) count=\($0.count) \($0.firstSeen.iso8601) \($0.lastSeen.iso8601)"
        }.sorted()
    }

    /// The ids of every record stored, read from the store file itself.
    func storedRecordIDs() async throws -> [String] {
        let result = try await ProcessRunner.run(
            "/usr/bin/python3",
            [
                "-c",
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); [print(r[0]) for r in c.execute('SELECT hex(id) FROM records ORDER BY 1')]",
                data.file("canh.sqlite"),
            ])
        guard result.status == 0 else { throw FixtureError(description: "reading the store: \(result.standardError)") }
        return result.outputLines
    }

    /// Delivers records as an agent enrolled under `hostname` would (for baselines).
    func deliver(_ records: [FindingRecord], hostname: String) async throws {
        let state = try TemporaryDirectory(prefix: "canh-baseline-agent")
        _ = try await Enrollment(collectorURL: url, caFile: caFile, stateDirectory: state.path)
            .enroll(token: try await enrollmentToken(), hostname: hostname, agentVersion: "baseline", machineID: MachineIDs.fresh())
        let agent = try CollectorClient(
            CollectorConnection(
                url: url, caFile: state.file("collector-ca.pem"), clientCertificateFile: state.file("agent.pem"),
                clientKeyFile: state.file("agent.key")))
        defer { Task { await agent.shutdown() } }
        for start in stride(from: 0, to: records.count, by: 500) {
            _ = try await agent.deliver(Array(records[start..<min(start + 500, records.count)]))
        }
    }
}

/// `canh-agent run` as a real process with its own state directory and configuration.
final class AgentProcess: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    let state: TemporaryDirectory
    let configuration: String
    private var process: Process?
    private let log: String

    /// Writes agent.toml for a journal directory and enrolls with `collector` as `hostname`.
    /// - Parameter agentSettings: more lines for the `[agent]` table.
    init(
        collector: CollectorProcess, journalDirectory: String, hostname: String = "portal-hy", agentSettings: String = "",
        rules: String = ProcessRunner.repositoryRoot + "/rules", system: String = "hy-portal"
    ) async throws {
        state = try TemporaryDirectory(prefix: "canh-agent-process")
        log = state.file("agent.log")
        configuration = try state.write(
            """
            [collector]
            url = "\(collector.url)"
            heartbeat = "1s"
            [agent]
            state_dir = "\(state.file("state"))"
            rules = "\(rules)"
            level = 3
            \(agentSettings)
            [journal]
            directory = "\(journalDirectory)"
            [host]
            root = ""
            """, to: "agent.toml")
        let enrolled = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"),
            [
                "enroll", "--config", configuration, "--token", try await collector.enrollmentToken(system: system), "--ca",
                collector.caFile,
                "--hostname", hostname, "--machine-id", MachineIDs.fresh(),
            ])
        guard enrolled.status == 0 else { throw FixtureError(description: "canh-agent enroll: \(enrolled.standardError)") }
    }

    func start(environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.builtProduct("canh-agent"))
        process.arguments = ["run", "--config", configuration, "--log-level", "debug"]
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = Pipe()
        try process.run()
        self.process = process
    }

    /// SIGKILL at whatever the agent is doing.
    func kill9() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Sends `signal` and, for SIGTERM, waits (at most `seconds`) for the exit status.
    @discardableResult
    func send(_ signal: Int32, waitSeconds seconds: Double = 15) async throws -> Int32? {
        guard let process else { return nil }
        Glibc.kill(process.processIdentifier, signal)
        guard signal == SIGTERM || signal == SIGINT else { return nil }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        self.process = nil
        return process.terminationStatus
    }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func status() async throws -> ProcessResult {
        try await ProcessRunner.run(ProcessRunner.builtProduct("canh-agent"), ["status", "--config", configuration])
    }

    deinit { kill9() }
}

/// The service manager's side of sd_notify: a datagram socket whose path goes in NOTIFY_SOCKET,
/// read all the time on a thread of its own, as systemd does.
final class NotifySocket: @unchecked Sendable {
    // @unchecked: `messages` is guarded by `lock`; the descriptor is read by the reader thread only.
    let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var messages: [String] = []
    private var closed = false

    init(in directory: TemporaryDirectory) throws {
        path = directory.file("notify.sock")
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw FixtureError(description: "cannot bind \(path): \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in read() }
        thread.start()
    }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ closed }) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer.prefix(count), as: UTF8.self)
            lock.withLock { messages.append(message) }
        }
        close(descriptor)
    }

    /// Every message so far, once one contains `text` (or after `seconds`).
    func messages(waitingFor text: String, seconds: Double) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let received = lock.withLock { messages }
            if received.contains(where: { $0.contains(text) }) { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
        return lock.withLock { messages }
    }

    func stop() { lock.withLock { closed = true } }
}

/// The portal's sample journal (3,000 entries with known incidents), as export-format chunks.
enum SampleJournal {
    static func entries() throws -> [String] {
        let text = try String(contentsOfFile: ProcessRunner.repositoryRoot + "/samples/journal/portal-hy.export", encoding: .utf8)
        // Every entry starts with its time; a blank line alone is no boundary, since a binary
        // value may end in a newline.
        let marker = "\n\n__REALTIME_TIMESTAMP="
        return text.components(separatedBy: marker).enumerated().map { index, part in
            let entry = index == 0 ? part : "__REALTIME_TIMESTAMP=" + part
            return entry.hasSuffix("\n\n") ? String(entry.dropLast(2)) : entry
        }
    }

    /// `scratch`'s `journal` directory, made with a journal file of the sample's first `count`
    /// entries: what an agent that only needs something to follow is given.
    static func directory(withFirst count: Int, in scratch: TemporaryDirectory) async throws -> String {
        let directory = scratch.file("journal")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await append(Array(try entries().prefix(count)), to: directory + "/a.journal", scratch: scratch)
        return directory
    }

    /// Appends entries to `journal` (a genuine journal file, created if new) with systemd-journal-remote.
    static func append(_ entries: [String], to journal: String, scratch: TemporaryDirectory) async throws {
        let export = try scratch.write(entries.joined(separator: "\n\n") + "\n\n", to: "chunk.export")
        let result = try await ProcessRunner.run(JournalFixture.journalRemote, ["--output=" + journal, export])
        guard result.status == 0 else { throw FixtureError(description: "systemd-journal-remote: \(result.standardError)") }
    }

    /// What `canh-agent scan` finds in a journal file at level 3: the records an agent must deliver.
    static func scan(_ journal: String) async throws -> [FindingRecord] {
        let result = try await ProcessRunner.run(
            ProcessRunner.builtProduct("canh-agent"), ["scan", "--journal-file", journal, "--level", "3", "--fail-on", "critical"])
        guard result.status <= 1 else { throw FixtureError(description: "canh-agent scan: \(result.standardError)") }
        return try result.outputLines.map { try FindingRecord(jsonLine: $0) }
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}
