import CanhModel
import Foundation
import TestSupport
import Testing

/// `canh-agent scan --host-root` on directory trees laid out like a Debian 12 server.
@Suite struct HostScanTests {
    let agent = ProcessRunner.builtProduct("canh-agent")
    let rules = ProcessRunner.repositoryRoot + "/rules"

    private func records(_ result: ProcessResult) throws -> [FindingRecord] {
        try result.outputLines.map { try FindingRecord(jsonLine: $0) }
    }

    /// Installs `unit` under /lib/systemd/system and enables it as `systemctl enable` does.
    private func enable(_ unit: String, in tree: TemporaryDirectory) throws {
        try tree.write("[Unit]\n", to: "lib/systemd/system/\(unit)")
        try FileManager.default.createDirectory(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants/\(unit)"), withDestinationPath: "/lib/systemd/system/\(unit)")
    }

    /// A hardened host: keys only (two factors for the sudo group), no root, idle shells logged
    /// out, persistent journal, chrony enabled, pwquality and faillock as the thresholds ask,
    /// administrators rotating their passwords, ClamAV scanning with signatures built the day
    /// before, auditd recording execution and the account files, rsyslog sending to the SIEM, and
    /// nftables dropping inbound traffic by default.
    private func hardenedHost() async throws -> TemporaryDirectory {
        let tree = try TemporaryDirectory()
        try tree.write(
            "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                + "Match Group sudo\n    AuthenticationMethods publickey,keyboard-interactive\n",
            to: "etc/ssh/sshd_config")
        try tree.write("TMOUT=300\nreadonly TMOUT\nexport TMOUT\n", to: "etc/profile.d/tmout.sh")
        try tree.write("[Journal]\nStorage=persistent\n", to: "etc/systemd/journald.conf")
        try FileManager.default.createDirectory(atPath: tree.file("var/log/journal"), withIntermediateDirectories: true)
        try tree.write("[Unit]\n", to: "lib/systemd/system/chrony.service")
        try FileManager.default.createDirectory(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants/chrony.service"),
            withDestinationPath: "/lib/systemd/system/chrony.service")
        try tree.write(
            "auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail\n",
            to: "etc/pam.d/common-auth")
        try tree.write("@include common-auth\naccount required pam_nologin.so\n", to: "etc/pam.d/sshd")
        try tree.write(
            "password requisite pam_pwquality.so retry=3\npassword required pam_pwhistory.so remember=10 use_authtok\n"
                + "password [success=1 default=ignore] pam_unix.so use_authtok yescrypt\n",
            to: "etc/pam.d/common-password")
        try tree.write("@include common-password\n", to: "etc/pam.d/passwd")
        try tree.write("minlen = 14\nminclass = 4\n", to: "etc/security/pwquality.conf")
        try tree.write("deny = 5\nunlock_time = 0\n", to: "etc/security/faillock.conf")
        try tree.write("root:x:0:\nsudo:x:27:hoa\n", to: "etc/group")
        try tree.write("root:!:20000:0:99999:7:::\nhoa:$y$j9T$salt$hash:20000:0:60:7:::\n", to: "etc/shadow")
        try await installJournal(in: tree, first: "2026-11-01T00:00:00Z", last: "2026-11-21T00:00:00Z", removedBefore: false)
        for unit in ["clamav-daemon.service", "clamav-freshclam.service", "auditd.service", "rsyslog.service"] {
            try enable(unit, in: tree)
        }
        let header = "ClamAV-VDB:21 Nov 2026 06:00 +0000:27470:2076599:90:0:0:test:1795240800"  // 2026-11-21T06:00:00Z
        try tree.write(
            Array(header.utf8) + Array(repeating: UInt8(ascii: " "), count: 512 - header.utf8.count), to: "var/lib/clamav/daily.cld")
        try tree.write(
            "-D\n-a always,exit -F arch=b64 -S execve -k exec\n-w /etc/passwd -p wa\n-w /etc/shadow -p wa\n-w /etc/group -p wa\n"
                + "-w /etc/sudoers -p wa\n",
            to: "etc/audit/rules.d/50-canh.rules")
        try tree.write("*.* @@siem.hungyen.gov.vn:6514\n", to: "etc/rsyslog.conf")
        try tree.write(
            "Package: openssh-client\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u3\n\n"
                + "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u3\n",
            to: "var/lib/dpkg/status")
        let security = "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security"
        try tree.write("Origin: Debian\nDate: Sat, 21 Nov 2026 06:00:00 UTC\n", to: security + "_InRelease")
        try tree.write(
            "Package: openssh-server\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u3\n", to: security + "_main_binary-amd64_Packages")
        try tree.write("root:x:0:0:root:/root:/bin/bash\nhoa:x:1000:1000:Hoa:/home/hoa:/bin/bash\n", to: "etc/passwd")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: tree.file("etc/shadow"))
        // The legacy lastlog: 292 bytes per UID; hoa (UID 1000) logged in on 2026-11-20.
        var lastlog = [UInt8](repeating: 0, count: 292 * 1001)
        lastlog.replaceSubrange(292_000..<292_004, with: withUnsafeBytes(of: UInt32(1_795_132_800).littleEndian, Array.init))
        try tree.write(lastlog, to: "var/log/lastlog")
        try enable("nftables.service", in: tree)
        try tree.write(
            "flush ruleset\ntable inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    tcp dport 22 accept\n  }\n}\n",
            to: "etc/nftables.conf")
        return tree
    }

    @Test("a hardened host passes every host check, shown with --all")
    func hardened() async throws {
        let tree = try await hardenedHost()
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z", "--all"])
        #expect(result.status == 0, "\(result.standardError)")
        let found = try records(result)
        #expect(
            Set(found.map(\.rule)) == [
                "ssh.config.root_login", "ssh.config.password_auth", "log.storage.volatile", "time.sync.disabled",
                "auth.password_policy.weak", "auth.lockout.missing", "log.retention.insufficient", "ssh.config.admin_mfa",
                "auth.session.idle_timeout", "service.insecure.enabled", "malware.protection.missing", "malware.signatures.stale",
                "audit.rules.missing", "log.forwarding.missing", "host.firewall.missing",
                "ssh.config.weak_crypto", "auth.password_hash.weak", "account.inactive", "patch.security.pending", "patch.metadata.stale",
            ])
        #expect(found.allSatisfy { $0.outcome == .pass })
        // Host checks name the host; account checks each account, and /etc/shadow itself.
        #expect(
            found.filter { $0.entity != $0.host }.map { "\($0.rule) \($0.entity)" }.sorted() == [
                "account.inactive hoa", "auth.password_hash.weak /etc/shadow", "auth.password_hash.weak hoa",
            ])
    }

    @Test("end of support: medium within 180 days of the end, high after it, at level 4")
    func endOfSupport() async throws {
        let tree = try await hardenedHost()
        func judged(_ osRelease: String) async throws -> FindingRecord? {
            try tree.write(osRelease, to: "etc/os-release")
            let result = try await ProcessRunner.run(
                agent, ["scan", "--rules", rules, "--level", "4", "--host-root", tree.path, "--now", "2026-12-03T00:00:00Z", "--all"])
            return try records(result).first { $0.rule == "os.end_of_life" }
        }
        let jammy = try #require(try await judged("ID=ubuntu\nVERSION_ID=\"22.04\"\n"))
        #expect((jammy.outcome, jammy.severity, jammy.evidence.text("supported_until")) == (.fail, .medium, "2027-04-30"))
        let centos = try #require(try await judged("ID=centos\nVERSION_ID=\"7\"\n"))
        #expect((centos.outcome, centos.severity) == (.fail, .high))
        let bookworm = try #require(try await judged("ID=debian\nVERSION_ID=\"12\"\n"))
        #expect(bookworm.outcome == .pass)
    }

    @Test("a drop-in that re-enables root and password logins wins over the main file; findings name the file and the tree's host")
    func dropInTrap() async throws {
        let tree = try await hardenedHost()
        try tree.write("PermitRootLogin yes\nPasswordAuthentication yes\n", to: "etc/ssh/sshd_config.d/50-cloud-init.conf")
        try tree.write("[Journal]\nStorage=volatile\n", to: "etc/systemd/journald.conf.d/90-ram.conf")
        try FileManager.default.removeItem(atPath: tree.file("etc/systemd/system/multi-user.target.wants/chrony.service"))
        try tree.write("portal-hy\n", to: "etc/hostname")
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z"])
        #expect(result.status == 1)
        let found = try records(result)
        #expect(
            found.map(\.rule).sorted() == [
                "log.retention.insufficient", "log.storage.volatile", "ssh.config.password_auth", "ssh.config.root_login",
                "time.sync.disabled",
            ])
        #expect(found.allSatisfy { $0.host == "portal-hy" && $0.entity == "portal-hy" }, "the tree names itself in /etc/hostname")
        let root = try #require(found.first { $0.rule == "ssh.config.root_login" })
        #expect(root.evidence.text("permit_root_login") == "yes (/etc/ssh/sshd_config.d/50-cloud-init.conf:1)")
        let storage = try #require(found.first { $0.rule == "log.storage.volatile" })
        #expect(storage.evidence.text("storage") == "volatile (/etc/systemd/journald.conf.d/90-ram.conf:2)")
        #expect(found.first { $0.rule == "time.sync.disabled" }?.evidence["services"] == .list(["chrony.service disabled"]))
    }

    @Test("faillock defaults and an administrator whose password never expires are reported with where they come from")
    func authenticationDefects() async throws {
        let tree = try await hardenedHost()
        try tree.write("# faillock defaults\n", to: "etc/security/faillock.conf")
        try tree.write("root:x:0:\nsudo:x:27:hoa,minh\n", to: "etc/group")
        try tree.write(
            "root:!:20000:0:99999:7:::\nhoa:$y$j9T$salt$hash:20000:0:60:7:::\nminh:$y$j9T$s$h:20000:0:99999:7:::\n", to: "etc/shadow")
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z"])
        let found = try records(result)
        #expect(found.map(\.rule).sorted() == ["auth.lockout.missing", "auth.password_policy.weak"])
        let lockout = try #require(found.first { $0.rule == "auth.lockout.missing" })
        #expect(lockout.evidence.text("module") == "pam_faillock.so (/etc/pam.d/common-auth:1)")
        #expect(
            lockout.evidence["problems"]
                == .list(["a locked account unlocks itself after 600 s; at least 43200 s (or 0: by an administrator)"]))
        let policy = try #require(found.first { $0.rule == "auth.password_policy.weak" })
        #expect(policy.evidence["problems"] == .list(["administrator minh's password expires after 99999 days; at most 60 days"]))
    }

    @Test("a host without sshd_config: the SSH checks are errors naming the file, never passes")
    func missingConfiguration() async throws {
        let tree = try await hardenedHost()
        try FileManager.default.removeItem(atPath: tree.file("etc/ssh/sshd_config"))
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z"])
        let found = try records(result)
        #expect(
            found.map(\.rule).sorted() == [
                "ssh.config.admin_mfa", "ssh.config.password_auth", "ssh.config.root_login", "ssh.config.weak_crypto",
            ])
        #expect(
            found.allSatisfy { $0.outcome == .error && $0.evidence.text("error")?.contains("/etc/ssh/sshd_config does not exist") == true })
        let missingRoot = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.file("nowhere")])
        #expect(missingRoot.status == 2)
        #expect(missingRoot.standardError.contains("--host-root \(tree.file("nowhere")): no such directory"))
    }

    @Test("an /etc/shadow that cannot be read makes the password policy an error naming it, and the rest is still judged")
    func unreadableShadow() async throws {
        let tree = try await hardenedHost()
        try FileManager.default.removeItem(atPath: tree.file("etc/shadow"))
        try FileManager.default.createDirectory(atPath: tree.file("etc/shadow"), withIntermediateDirectories: false)
        let result = try await ProcessRunner.run(
            agent, ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z", "--all"])
        let found = try records(result)
        let policy = try #require(found.first { $0.rule == "auth.password_policy.weak" })
        #expect(policy.outcome == .error)
        #expect(policy.evidence["error"] == .list(["/etc/shadow is a directory"]))
        let accountRules = ["auth.password_policy.weak", "auth.password_hash.weak", "account.inactive"]
        #expect(found.filter { accountRules.contains($0.rule) }.allSatisfy { $0.outcome == .error })
        #expect(found.filter { !accountRules.contains($0.rule) }.allSatisfy { $0.outcome == .pass })
        #expect(found.count == 20)
    }

    /// A real journal file in the tree's /var/log/journal/MACHINE-ID/, with entries from `first`
    /// to `last`; `removedBefore` rewrites its head sequence number (documented header offset 168)
    /// as journald's would read after older files were vacuumed.
    private func installJournal(in tree: TemporaryDirectory, first: String, last: String, removedBefore: Bool) async throws {
        let scratch = try TemporaryDirectory()
        let entries = [first, last].map { FixtureEntry(time: Timestamp.at($0), ["MESSAGE": "portal running", "_HOSTNAME": "portal-hy"]) }
        let file = try await JournalFixture.write(entries, named: "system.journal", in: scratch)
        let directory = tree.file("var/log/journal/0123456789abcdef0123456789abcdef")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        if removedBefore {
            for index in 0..<8 { bytes[168 + index] = index == 0 ? 0xF4 : (index == 1 ? 0x01 : 0) }  // 500
        }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/system.journal"))
    }

    @Test("retention from real journal files: a young journal passes, one trimmed after 21 days fails at level 3")
    func retention() async throws {
        let tree = try await hardenedHost()
        try await installJournal(in: tree, first: "2026-11-01T00:00:00Z", last: "2026-11-21T00:00:00Z", removedBefore: false)
        let arguments = ["scan", "--rules", rules, "--level", "3", "--host-root", tree.path, "--now", "2026-11-22T00:00:00Z", "--all"]
        let young = try records(try await ProcessRunner.run(agent, arguments)).first { $0.rule == "log.retention.insufficient" }
        #expect(young?.outcome == .pass, "\(String(describing: young?.evidence))")
        #expect(young?.evidence.text("oldest_entry") == "2026-11-01T00:00:00Z")

        try await installJournal(in: tree, first: "2026-11-01T00:00:00Z", last: "2026-11-21T00:00:00Z", removedBefore: true)
        let trimmed = try #require(
            try records(try await ProcessRunner.run(agent, arguments)).first { $0.rule == "log.retention.insufficient" })
        #expect(trimmed.outcome == .fail)
        #expect(trimmed.evidence["problems"] == .list(["entries older than 21 days have already been removed"]))
    }
}
