import ConfigurationFile
import Testing

/// The configuration reader on the files a sysadmin writes: every value kind Canh uses, and
/// every mistake reported with the line it is on.
@Suite struct TOMLDocumentTests {
    @Test("tables, arrays of tables, strings, numbers, booleans and lists over several lines are read with their lines")
    func reads() throws {
        let text = """
            # Canh agent
            [collector]
            url = "https://canh.hungyen.gov.vn:8443"   # pinned CA in the state directory

            [journal]
            matches = [
                "_SYSTEMD_UNIT=sshd.service",  # sshd
                'SYSLOG_IDENTIFIER=sudo',
            ]
            files = []

            [certificates]
            interval = 3_600
            verify = true

            [[alerts.channels]]
            name = "soc"
            "to" = ["soc@hungyen.gov.vn", "Trung t\\u00e2m"]

            [[alerts.channels]]
            name = "syslog"
            """
        let document = try TOMLDocument(parsing: text, file: "agent.toml")
        #expect(document.tables.map(\.name) == ["", "collector", "journal", "certificates", "alerts.channels", "alerts.channels"])
        let collector = try #require(document.table("collector"))
        #expect(try collector.string("url") == "https://canh.hungyen.gov.vn:8443")
        #expect(collector.table.entries.first?.line == 3)
        let journal = try #require(document.table("journal"))
        #expect(try journal.strings("matches") == ["_SYSTEMD_UNIT=sshd.service", "SYSLOG_IDENTIFIER=sudo"])
        #expect(try journal.strings("files") == [])
        #expect(journal.table.entries.map(\.line) == [6, 10])
        let certificates = try #require(document.table("certificates"))
        #expect(try certificates.integer("interval", in: 60...86_400) == 3600)
        #expect(try certificates.boolean("verify") == true)
        let channels = document.tables("alerts.channels")
        #expect(try channels.map { try $0.requiredString("name") } == ["soc", "syslog"])
        #expect(try channels[0].strings("to") == ["soc@hungyen.gov.vn", "Trung tâm"])
    }

    @Test(
        "mistakes name the file and line",
        arguments: [
            ("[collector]\nurl = https://x\n", "a.toml:2: url: https://x is not a value (true, false, a number, \"text\" or [a, list])"),
            ("[collector]\nurl = \"https://x\nlevel = 3\n", "a.toml:2: url: the string is not closed"),
            ("[agent]\nlevel = 3\nlevel = 4\n", "a.toml:3: level is already set on line 2"),
            ("[agent]\n\n[agent]\n", "a.toml:3: [agent] is already defined on line 1"),
            ("[agent]\nlevel = 2.5\n", "a.toml:2: level: 2.5: fractions are not used in Canh's configuration; give a whole number"),
            (
                "[agent]\nsince = 2026-11-23\n",
                "a.toml:2: since: 2026-11-23: dates are not used in Canh's configuration; give a \"text\" value"
            ),
            ("[agent]\nrules = { dir = \"x\" }\n", "a.toml:2: rules: inline tables are not used in Canh's configuration; write a [table]"),
            ("agent.level = 3\n", "a.toml:1: dotted keys (agent.…) are not used in Canh's configuration; write a [agent] table"),
            ("[journal]\nfiles = [\"a\",\n  \"b\"\n", "a.toml:2: files: the list opened here is not closed with ]"),
            ("[journal]\nfiles = [\"a\" \"b\"]\n", "a.toml:2: files: expected , or ] in the list"),
            ("[agent]\nlevel = 3 4\n", "a.toml:2: unexpected text after the value; one setting per line"),
            ("[agent]\nverify = yes\n", "a.toml:2: verify: yes is not a value (true, false, a number, \"text\" or [a, list])"),
            ("[agent\n", "a.toml:1: expected ] to end the table name"),
            ("[agent]\nname = \"a\\qb\"\n", "a.toml:2: name: unknown escape \\q"),
        ])
    func mistakes(text: String, message: String) {
        #expect(throws: (any Error).self) { try TOMLDocument(parsing: text, file: "a.toml") }
        do {
            _ = try TOMLDocument(parsing: text, file: "a.toml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("an unknown table or key, and a value of the wrong kind, are refused at their line")
    func schema() throws {
        let document = try TOMLDocument(
            parsing: "[collector]\ndata_dir = \"/var/lib/canh\"\nlisten = 8443\n\n[colector]\n", file: "collector.toml")
        let schema: [String: Set<String>] = ["": [], "collector": ["data_dir", "listen"]]
        #expect(throws: ConfigurationError(file: "collector.toml", line: 5, message: "unknown table [colector]; known: [collector]")) {
            try document.requireOnly(schema)
        }
        let typo = try TOMLDocument(parsing: "[collector]\ndatadir = \"/x\"\n", file: "collector.toml")
        #expect(
            throws: ConfigurationError(
                file: "collector.toml", line: 2, message: "unknown key datadir in [collector]; known: data_dir, listen")
        ) { try typo.requireOnly(schema) }
        let collector = try #require(document.table("collector"))
        #expect(
            throws: ConfigurationError(file: "collector.toml", line: 3, message: "collector.listen: expected a string, found an integer")
        ) {
            try collector.string("listen")
        }
        #expect(throws: ConfigurationError(file: "collector.toml", line: 1, message: "collector.database: missing")) {
            try collector.requiredString("database")
        }
    }

    @Test("a file that cannot be read is named")
    func unreadable() {
        #expect(throws: (any Error).self) { try TOMLDocument(contentsOf: "/nonexistent/collector.toml") }
        do {
            _ = try TOMLDocument(contentsOf: "/nonexistent/collector.toml")
        } catch {
            #expect(error.file == "/nonexistent/collector.toml")
            #expect(error.line == nil)
        }
    }
}
