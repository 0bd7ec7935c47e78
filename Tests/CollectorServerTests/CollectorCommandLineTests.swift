import CanhModel
import Foundation
import TestSupport
import Testing

/// `canh-collector` and `canh-agent enroll` as an operator runs them: real processes, a real
/// `serve` on 127.0.0.1, output and exit codes.
@Suite struct CollectorCommandLineTests {
    let collector = ProcessRunner.builtProduct("canh-collector")
    let agent = ProcessRunner.builtProduct("canh-agent")

    @Test("serve reads collector.toml, flags override it, and a misspelt or unusable setting exits 2 naming its file and line")
    func configurationFile() async throws {
        let data = try TemporaryDirectory(prefix: "canh-config")
        #expect(try await ProcessRunner.run(collector, ["init", "--data-dir", data.file("collector")]).status == 0)
        let port = try FreePort.next()
        let settings = data.file("collector.toml")
        try """
        # canh-collector
        [collector]
        data_dir = "\(data.file("collector"))"
        listen = "127.0.0.1:\(port)"
        database = ""

        [[alerts.channels]]
        name = "soc"
        type = "webhook"
        url = "https://soc.example/hook"
        secret = "s3cret"

        [[alerts.rules]]
        name = "critical"
        min_severity = "high"
        channels = ["soc"]
        """.write(toFile: settings, atomically: true, encoding: .utf8)
        // The port accepts connections a moment before the line is written.
        func printed(_ server: BackgroundServer, _ line: String) async throws -> Bool {
            for _ in 0..<100 where !server.output.contains(line) { try await Task.sleep(for: .milliseconds(20)) }
            return server.output.contains(line)
        }
        let server = try await BackgroundServer(collector, ["serve", "--config", settings], port: port)
        #expect(try await printed(server, "listening on https://127.0.0.1:\(port)"))

        // The flag wins over the file's unusable address.
        let overridden = data.file("overridden.toml")
        try "[collector]\ndata_dir = \"\(data.file("collector"))\"\nlisten = \"nowhere\"\n".write(
            toFile: overridden, atomically: true, encoding: .utf8)
        let second = try await BackgroundServer(collector, ["serve", "--config", overridden, "--listen", "127.0.0.1:{port}"])
        #expect(try await printed(second, "listening on https://127.0.0.1:\(second.port)"))

        let mistakes = [
            (
                "[collector]\ndatadir = \"/x\"\n",
                "2: unknown key datadir in [collector]; known: data_dir, database, database_connections, database_password_file, header_timeout"
            ),
            (
                "[collector]\ndatabase = \"mysql://canh@db/canh\"\n",
                "2: collector.database: database mysql://canh@db/canh: expected postgres://USER@HOST"
            ),
            (
                "[collector]\n\ndatabase = \"postgres://canh:s3cret@db/canh\"\n",
                "3: collector.database: database: the address holds a password; put it in database_password_file"
            ),
            (
                "[collector]\ndatabase = \"postgres://canh@db/canh?sslmode=maybe\"\n",
                "2: collector.database: database postgres://canh@db/canh?sslmode=maybe: sslmode=maybe is not one of disable, prefer, require, verify-full"
            ),
            ("[collector]\ndatabase_connections = 0\n", "2: collector.database_connections:"),
            (
                "[[alerts.rules]]\nname = \"r\"\nchannels = [\"pager\"]\n",
                "3: alerts.rules.channels: no [[alerts.channels]] is called pager"
            ),
            (
                "[[alerts.channels]]\nname = \"soc\"\ntype = \"syslog\"\naddress = \"siem:514\"\n[[alerts.rules]]\nname = \"r\"\ntransitions = [\"new\"]\n",
                "7: alerts.rules.transitions: \"new\" is not one of open, reopened, severity_raised, resolved, exception_expired, host_stale"
            ),
            (
                "[[alerts.channels]]\nname = \"soc\"\ntype = \"syslog\"\naddress = \"siem:514\"\n[[alerts.rules]]\nname = \"r\"\nlevels = [3, 6]\n",
                "7: alerts.rules.levels: 6 is outside 1…5"
            ),
            ("[[alerts.channels]]\nname = \"soc\"\ntype = \"webhook\"\nurl = \"https://soc/\"\n", "1: alerts.channels.secret: missing"),
            (
                "[[alerts.channels]]\nname = \"siem\"\ntype = \"syslog\"\naddress = \"siem\"\n",
                "4: alerts.channels.address: \"siem\" is not HOST:PORT"
            ),
            (
                "[[alerts.maintenance]]\nsystem = \"hy-dvc\"\nfrom = \"2026-12-06T02:00:00+07:00\"\nuntil = \"2026-12-05T22:00:00+07:00\"\nreason = \"x\"\n",
                "4: alerts.maintenance.until: the window ends before it starts"
            ),
            ("[alerts]\nwindow = \"10s\"\n", "2: alerts.window: 10s is shorter than the 60 s minimum"),
            ("[console]\nsession_idle = \"soon\"\n", "2: console.session_idle: \"soon\" is not a duration"),
            (
                "[console]\nsession_idle = \"2h\"\nsession_lifetime = \"1h\"\n",
                "2: console.session_idle: longer than session_lifetime"
            ),
            (
                "[[alerts.channels]]\nname = \"x\"\ntype = \"sms\"\n",
                "3: alerts.channels.type: \"sms\" is not one of webhook, syslog, email"
            ),
        ]
        for (text, message) in mistakes {
            let file = data.file("bad.toml")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try await ProcessRunner.run(collector, ["serve", "--config", file])
            #expect(refused.status == 2)
            #expect(refused.standardError.contains("\(file):\(message)"), "\(refused.standardError)")
        }
        // The database password's file: missing, or readable by every user, refused before
        // anything is served (and the password itself is never printed).
        let password = data.file("db.password")
        try "s3cret-password\n".write(toFile: password, atomically: true, encoding: .utf8)
        chmod(password, 0o644)
        for (passwordFile, reason) in [
            (data.file("absent.password"), "database_password_file \(data.file("absent.password")) cannot be read"),
            (password, "database_password_file: \(password) can be read by every user (mode 644); chmod 0600 or 0640 it"),
        ] {
            let file = data.file("database.toml")
            try "[collector]\ndatabase = \"postgres://canh@127.0.0.1:1/canh\"\ndatabase_password_file = \"\(passwordFile)\"\n".write(
                toFile: file, atomically: true, encoding: .utf8)
            for command in [["serve", "--config", file], ["migrate", "--config", file]] {
                let refused = try await ProcessRunner.run(collector, command)
                #expect(refused.status == 2, "\(command)")
                #expect(refused.standardError.contains(reason), "\(refused.standardError)")
                #expect(!refused.standardError.contains("s3cret-password"))
            }
        }
        // A channel whose CA file cannot be read is refused before anything is served.
        let unreadableCA = data.file("bad-ca.toml")
        try """
        [collector]
        data_dir = "\(data.file("collector"))"
        [[alerts.channels]]
        name = "siem"
        type = "syslog"
        address = "siem.example:6514"
        tls = true
        ca = "\(data.file("absent-ca.pem"))"
        """.write(toFile: unreadableCA, atomically: true, encoding: .utf8)
        let noCA = try await ProcessRunner.run(collector, ["serve", "--config", unreadableCA])
        #expect(noCA.status == 2)
        #expect(noCA.standardError.contains("alert channels: cannot use \(data.file("absent-ca.pem")) for TLS"), "\(noCA.standardError)")
        // A rule pack with problems (here: none at all) is refused before anything is served.
        let emptyPack = data.file("no-pack")
        try FileManager.default.createDirectory(atPath: emptyPack, withIntermediateDirectories: true)
        let noPack = try await ProcessRunner.run(collector, ["serve", "--config", settings, "--rules", emptyPack])
        #expect(noPack.status == 2)
        #expect(noPack.standardError.contains("the rule pack in \(emptyPack) has problems"), "\(noPack.standardError)")
        #expect(noPack.standardError.contains("\(emptyPack)/requirements.yaml: (file): is missing"))
        // The sample in etc/, with its alert examples switched on, is accepted (the empty data
        // directory is then the only complaint).
        let sample = try String(contentsOfFile: ProcessRunner.repositoryRoot + "/etc/collector.toml", encoding: .utf8)
        let enabled = sample.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("data_dir = ") { return "data_dir = \"\(data.file("empty"))\"" }
            if line.hasPrefix("# [") || line.range(of: #"^# [a-z_]+ = "#, options: .regularExpression) != nil {
                return String(line.dropFirst(2))
            }
            return String(line)
        }
        #expect(enabled.filter { $0.hasPrefix("[[alerts.") }.count == 5)
        #expect(enabled.contains("[alerts]"))
        try enabled.joined(separator: "\n").write(toFile: data.file("sample.toml"), atomically: true, encoding: .utf8)
        let sampled = try await ProcessRunner.run(collector, ["serve", "--config", data.file("sample.toml")])
        #expect(sampled.status == 2)
        #expect(sampled.standardError.contains("\(data.file("empty")) holds no store"), "\(sampled.standardError)")

        let missing = try await ProcessRunner.run(collector, ["serve", "--config", data.file("absent.toml")])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("absent.toml: cannot be read"))
    }

    @Test("init, serve, system add, token create, enroll, hosts and findings as JSON and CSV; refusals exit 2 with the reason")
    func operatorSession() async throws {
        let data = try TemporaryDirectory(prefix: "canh-cli")
        let initialised = try await ProcessRunner.run(collector, ["init", "--data-dir", data.file("collector")])
        #expect(initialised.status == 0, "\(initialised.standardError)")
        let token = try #require(initialised.outputLines.last)
        #expect(token.hasPrefix("canh_"))
        #expect(try String(contentsOfFile: data.file("collector/admin.token"), encoding: .utf8) == token + "\n")
        let again = try await ProcessRunner.run(collector, ["init", "--data-dir", data.file("collector")])
        #expect(again.status == 2)
        #expect(again.standardError.contains("already initialised"))

        let server = try await BackgroundServer(collector, ["serve", "--data-dir", data.file("collector"), "--listen", "127.0.0.1:{port}"])
        let environment = [
            "CANH_SERVER": "https://127.0.0.1:\(server.port)", "CANH_TOKEN": token, "CANH_CA": data.file("collector/ca.pem"),
        ]
        func run(_ arguments: [String]) async throws -> ProcessResult {
            try await ProcessRunner.run(collector, arguments, environment: environment)
        }

        let added = try await run([
            "system", "add", "--id", "hy-dvc", "--name", "Cổng dịch vụ công", "--owner", "UBND tỉnh Hưng Yên", "--level", "3",
            "--dossier", "approved", "--decision", "1234/QĐ-UBND", "--decision-date", "2025-06-30",
        ])
        #expect(added.status == 0, "\(added.standardError)")
        let refused = try await run(["system", "add", "--id", "hy-dvc", "--name", "x", "--owner", "y", "--level", "3"])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("HTTP 409"))
        #expect(refused.standardError.contains("system hy-dvc already exists"))
        let badLevel = try await run(["system", "update", "--id", "hy-dvc", "--level", "7"])
        #expect(badLevel.status == 2)
        #expect(badLevel.standardError.contains("a level is 1 to 5"))
        #expect(try await run(["system", "list"]).outputLines.last?.hasPrefix("hy-dvc  3      approved  UBND tỉnh Hưng Yên") == true)

        let badExpiry = try await run(["token", "create", "--system", "hy-dvc", "--expires", "soon"])
        #expect(badExpiry.status == 2)
        #expect(badExpiry.standardError.contains("--expires soon: e.g. 30m, 24h or 7d"))
        let badUntil = try await run(["findings", "except", String(repeating: "0", count: 64), "--reason", "r", "--until", "next year"])
        #expect(badUntil.status == 2)
        #expect(badUntil.standardError.contains("--until next year"))
        let missingCA = try await ProcessRunner.run(
            agent,
            [
                "enroll", "--collector", "https://127.0.0.1:\(server.port)", "--token", "canh_x", "--ca", data.file("nowhere.pem"),
                "--state-dir", data.file("agent-bad"),
            ])
        #expect(missingCA.status == 2)
        #expect(missingCA.standardError.contains("nowhere.pem"))
        #expect(!FileManager.default.fileExists(atPath: data.file("agent-bad/agent.key")), "nothing is kept from a failed enrollment")
        let created = try await run(["token", "create", "--system", "hy-dvc", "--uses", "1", "--expires", "1h"])
        let enrollmentToken = try #require(created.outputLines.last)
        let enrolled = try await ProcessRunner.run(
            agent,
            [
                "enroll", "--collector", "https://127.0.0.1:\(server.port)", "--token", enrollmentToken, "--ca",
                data.file("collector/ca.pem"), "--state-dir", data.file("agent"), "--hostname", "web01",
            ])
        #expect(enrolled.status == 0, "\(enrolled.standardError)")
        #expect(enrolled.standardOutput.contains("enrolled web01 as agent"))
        let reused = try await ProcessRunner.run(
            agent,
            [
                "enroll", "--collector", "https://127.0.0.1:\(server.port)", "--token", enrollmentToken, "--ca",
                data.file("collector/ca.pem"), "--state-dir", data.file("agent2"),
            ])
        #expect(reused.status == 2)
        #expect(reused.standardError.contains("has been used up"))

        let hosts = try await run(["hosts", "--format", "json"])
        let listed = try JSONDecoder().decode([EnrolledHost].self, from: Data(hosts.standardOutput.utf8))
        #expect(listed.map(\.hostname) == ["web01"])
        let findings = try await run(["findings", "--system", "hy-dvc", "--format", "json"])
        #expect(findings.status == 0)
        #expect(try JSONDecoder().decode([FindingState].self, from: Data(findings.standardOutput.utf8)).isEmpty)
        let csv = try await run(["findings", "--format", "csv"])
        #expect(csv.outputLines == ["fingerprint,rule,entity,host,system,severity,status,count,first seen,last seen"])
        let audit = try await run(["audit", "--format", "csv"])
        #expect(audit.standardOutput.contains("user:admin,system.add,hy-dvc"))
        #expect(audit.standardOutput.contains("host.enroll"))

        let unauthorised = try await ProcessRunner.run(
            collector, ["system", "list"], environment: environment.merging(["CANH_TOKEN": "canh_nope"]) { $1 })
        #expect(unauthorised.status == 2)
        #expect(unauthorised.standardError.contains("HTTP 401"))
        let noServer = try await ProcessRunner.run(collector, ["system", "list"], environment: ["CANH_SERVER": "", "CANH_TOKEN": token])
        #expect(noServer.status == 2)

        // With agent.toml, enroll takes the collector and the state directory from the file.
        let agentSettings = data.file("agent.toml")
        try """
        [collector]
        url = "https://127.0.0.1:\(server.port)"
        [agent]
        state_dir = "\(data.file("agent-from-config"))"
        """.write(toFile: agentSettings, atomically: true, encoding: .utf8)
        let secondToken = try #require(try await run(["token", "create", "--system", "hy-dvc", "--uses", "1"]).outputLines.last)
        let configured = try await ProcessRunner.run(
            agent,
            [
                "enroll", "--config", agentSettings, "--token", secondToken, "--ca", data.file("collector/ca.pem"), "--hostname", "db01",
                "--machine-id", MachineIDs.fresh(),
            ])
        #expect(configured.status == 0, "\(configured.standardError)")
        #expect(FileManager.default.fileExists(atPath: data.file("agent-from-config/agent.pem")))
        try "[agent]\nstate-dir = \"/x\"\n".write(toFile: agentSettings, atomically: true, encoding: .utf8)
        let misspelt = try await ProcessRunner.run(agent, ["enroll", "--config", agentSettings, "--token", secondToken])
        #expect(misspelt.status == 2)
        #expect(misspelt.standardError.contains("\(agentSettings):2: unknown key state-dir in [agent]"), "\(misspelt.standardError)")
    }

    @Test("under systemd, serve says READY once it listens and feeds the watchdog while its store answers")
    func serviceManagerNotifications() async throws {
        let data = try TemporaryDirectory(prefix: "canh-collector-notify")
        #expect(try await ProcessRunner.run(collector, ["init", "--data-dir", data.file("collector")]).status == 0)
        let manager = try NotifySocket(in: data)
        defer { manager.stop() }
        let server = try await BackgroundServer(
            collector, ["serve", "--data-dir", data.file("collector"), "--listen", "127.0.0.1:{port}"],
            environment: ["NOTIFY_SOCKET": manager.path, "WATCHDOG_USEC": "1000000"])
        let started = try await manager.messages(waitingFor: "READY=1", seconds: 30)
        let ready = try #require(started.first { $0.contains("READY=1") }, "\(started)")
        #expect(ready.contains("STATUS=listening on https://127.0.0.1:\(server.port), rule pack 2026.11.0"), "\(ready)")
        #expect(try await manager.messages(waitingFor: "WATCHDOG=1", seconds: 10).contains("WATCHDOG=1"))
    }
}
