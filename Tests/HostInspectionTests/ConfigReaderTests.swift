import CanhModel
import Foundation
import HostInspection
import TestSupport
import Testing

/// Configuration read from directory trees laid out like /etc, with the precedence traps that
/// catch tools reading files naively.
@Suite struct ConfigReaderTests {
    private func sshd(_ tree: TemporaryDirectory) throws -> SSHDConfiguration {
        guard case .read(let configuration) = SSHDConfigReader.read(HostRoot(path: tree.path)) else {
            throw FixtureError(description: "sshd_config not read: \(SSHDConfigReader.read(HostRoot(path: tree.path)))")
        }
        return configuration
    }

    @Test("sshd: a drop-in included at the top wins over what the main file says later (first value wins)")
    func sshdDropInWins() throws {
        let tree = try TemporaryDirectory()
        try tree.write(
            """
            # Debian 12 layout
            Include /etc/ssh/sshd_config.d/*.conf
            PermitRootLogin no
            PasswordAuthentication no
            """, to: "etc/ssh/sshd_config")
        try tree.write("PermitRootLogin yes\n", to: "etc/ssh/sshd_config.d/50-cloud-init.conf")
        try tree.write("permitrootlogin prohibit-password\nPasswordAuthentication=yes\n", to: "etc/ssh/sshd_config.d/60-later.conf")
        let configuration = try sshd(tree)
        #expect(
            configuration.global["PermitRootLogin"]
                == ConfigSetting(value: "yes", file: "/etc/ssh/sshd_config.d/50-cloud-init.conf", line: 1))
        #expect(
            configuration.global["PasswordAuthentication"]
                == ConfigSetting(value: "yes", file: "/etc/ssh/sshd_config.d/60-later.conf", line: 2))
        #expect(
            configuration.global.files
                == ["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/50-cloud-init.conf", "/etc/ssh/sshd_config.d/60-later.conf"])
    }

    @Test("sshd: Match blocks are conditional, end at the next Match or the end of their file; relative Include is under /etc/ssh")
    func sshdMatchBlocks() throws {
        let tree = try TemporaryDirectory()
        try tree.write(
            """
            Include extra.conf
            Match User deploy
                PermitRootLogin yes
            Match all
            PasswordAuthentication no
            """, to: "etc/ssh/sshd_config")
        try tree.write("Match Address 10.0.0.0/8\n  PasswordAuthentication yes\n", to: "etc/ssh/extra.conf")
        let configuration = try sshd(tree)
        #expect(configuration.global["PermitRootLogin"] == nil)
        #expect(configuration.global["PasswordAuthentication"] == nil, "after Match all, settings are still conditional")
        #expect(
            configuration.conditional.map { "\($0.criteria): \($0.keyword) \($0.setting.value)" }
                == ["Address 10.0.0.0/8: passwordauthentication yes", "User deploy: permitrootlogin yes", "all: passwordauthentication no"])
    }

    @Test("sshd: a missing main file and an unreadable include are reported, not read as defaults")
    func sshdProblems() throws {
        let empty = try TemporaryDirectory()
        #expect(
            SSHDConfigReader.read(HostRoot(path: empty.path))
                == .missing("/etc/ssh/sshd_config does not exist (is the OpenSSH server installed?)"))
        let tree = try TemporaryDirectory()
        try tree.write("Include /etc/ssh/sshd_config.d/*.conf\n", to: "etc/ssh/sshd_config")
        try FileManager.default.createDirectory(atPath: tree.file("etc/ssh/sshd_config.d/broken.conf"), withIntermediateDirectories: true)
        #expect(
            SSHDConfigReader.read(HostRoot(path: tree.path))
                == .unreadable("/etc/ssh/sshd_config.d/broken.conf (included from /etc/ssh/sshd_config:1) is a directory"))
    }

    @Test("journald: drop-ins sorted by name across directories, /etc hides /usr/lib, last assignment wins, empty resets")
    func journaldDropIns() throws {
        let tree = try TemporaryDirectory()
        try tree.write("[Journal]\nStorage=persistent\nMaxRetentionSec=1year\n", to: "etc/systemd/journald.conf")
        try tree.write("[Journal]\nStorage=volatile\n", to: "usr/lib/systemd/journald.conf.d/20-vendor.conf")
        try tree.write("[Journal]\nStorage=auto\n", to: "usr/lib/systemd/journald.conf.d/10-hidden.conf")
        try tree.write("[Journal]\nSystemMaxUse=1G\n", to: "etc/systemd/journald.conf.d/10-hidden.conf")
        try tree.write("[Journal]\nMaxRetentionSec=\n", to: "run/systemd/journald.conf.d/30-reset.conf")
        try tree.write("[Other]\nStorage=none\n", to: "etc/systemd/journald.conf.d/40-other-section.conf")
        guard case .read(let journald) = SystemdConfigReader.read(HostRoot(path: tree.path), name: "journald.conf", section: "Journal")
        else {
            Issue.record("journald.conf not read")
            return
        }
        #expect(journald["Storage"] == ConfigSetting(value: "volatile", file: "/usr/lib/systemd/journald.conf.d/20-vendor.conf", line: 2))
        #expect(journald["SystemMaxUse"]?.value == "1G")
        #expect(journald["MaxRetentionSec"] == nil)
        #expect(
            journald.files
                == [
                    "/etc/systemd/journald.conf", "/etc/systemd/journald.conf.d/10-hidden.conf",
                    "/usr/lib/systemd/journald.conf.d/20-vendor.conf",
                    "/run/systemd/journald.conf.d/30-reset.conf", "/etc/systemd/journald.conf.d/40-other-section.conf",
                ])
    }

    @Test("journald: a drop-in linked to /dev/null is masked")
    func journaldMasked() throws {
        let tree = try TemporaryDirectory()
        try tree.write("[Journal]\nStorage=volatile\n", to: "usr/lib/systemd/journald.conf.d/50-volatile.conf")
        try FileManager.default.createDirectory(atPath: tree.file("etc/systemd/journald.conf.d"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/journald.conf.d/50-volatile.conf"), withDestinationPath: "/dev/null")
        guard case .read(let journald) = SystemdConfigReader.read(HostRoot(path: tree.path), name: "journald.conf", section: "Journal")
        else {
            Issue.record("journald.conf not read")
            return
        }
        #expect(journald["Storage"] == nil)
    }

    @Test("units: enabled by a wants link, masked by /dev/null, disabled, or not installed")
    func unitStates() throws {
        let tree = try TemporaryDirectory()
        try tree.write("[Unit]\n", to: "lib/systemd/system/chrony.service")
        try tree.write("[Unit]\n", to: "lib/systemd/system/systemd-timesyncd.service")
        try tree.write("[Unit]\n", to: "lib/systemd/system/ntpsec.service")
        try FileManager.default.createDirectory(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants/chrony.service"),
            withDestinationPath: "/lib/systemd/system/chrony.service")
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/system/systemd-timesyncd.service"), withDestinationPath: "/dev/null")
        let root = HostRoot(path: tree.path)
        #expect(
            UnitStateReader.state(of: "chrony.service", in: root)
                == .enabled(by: "/etc/systemd/system/multi-user.target.wants/chrony.service"))
        #expect(UnitStateReader.state(of: "systemd-timesyncd.service", in: root) == .masked)
        #expect(UnitStateReader.state(of: "ntpsec.service", in: root) == .disabled)
        #expect(UnitStateReader.state(of: "openntpd.service", in: root) == .notInstalled)
    }
}
