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

    @Test("units: a SysV init script is NAME.service, enabled by an S link in rc2.d–rc5.d; a native unit replaces it")
    func sysVScripts() throws {
        let tree = try TemporaryDirectory()
        try tree.write("#!/bin/sh\n", to: "etc/init.d/tftpd-hpa")
        try tree.write("#!/bin/sh\n", to: "etc/init.d/openbsd-inetd")
        try tree.write("#!/bin/sh\n", to: "etc/init.d/chrony")
        try tree.write("[Unit]\n", to: "lib/systemd/system/chrony.service")
        try FileManager.default.createDirectory(atPath: tree.file("etc/rc3.d"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tree.file("etc/rc3.d/S01tftpd-hpa"), withDestinationPath: "../init.d/tftpd-hpa")
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/rc3.d/K01openbsd-inetd"), withDestinationPath: "../init.d/openbsd-inetd")
        try FileManager.default.createSymbolicLink(atPath: tree.file("etc/rc3.d/S01chrony"), withDestinationPath: "../init.d/chrony")
        let states = UnitStateReader.states(in: HostRoot(path: tree.path))
        #expect(states["tftpd-hpa.service"] == .enabled(by: "/etc/rc3.d/S01tftpd-hpa"))
        #expect(states["openbsd-inetd.service"] == .disabled, "a K link stops it")
        #expect(states["chrony.service"] == .disabled, "systemd ignores the script when a native unit exists")
    }

    @Test("inetd.conf: active lines, an address before the service, and update-inetd's #<off># lines skipped")
    func inetdServices() throws {
        let tree = try TemporaryDirectory()
        try tree.write(
            "# /etc/inetd.conf\n#<off># telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n"
                + "127.0.0.1:ftp stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.ftpd\n\nshell stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.rshd\n",
            to: "etc/inetd.conf")
        let services = InetdConfigReader.services(HostRoot(path: tree.path))
        #expect(
            services
                == .read([
                    ConfigSetting(value: "ftp", file: "/etc/inetd.conf", line: 3),
                    ConfigSetting(value: "shell", file: "/etc/inetd.conf", line: 5),
                ]))
        #expect(InetdConfigReader.services(HostRoot(path: tree.file("none"))) == .missing("/etc/inetd.conf does not exist"))
    }

    @Test("TMOUT: assignments with export, readonly and declare -r, a later readonly TMOUT, in the order bash reads the files")
    func shellTimeouts() throws {
        let tree = try TemporaryDirectory()
        try tree.write("if [ \"$PS1\" ]; then\n  TMOUT=900 # fifteen minutes\nfi\n", to: "etc/profile")
        try tree.write("TMOUT=600; export TMOUT\n", to: "etc/bash.bashrc")
        try tree.write("TMOUT=300\nreadonly TMOUT\nexport TMOUT\n", to: "etc/profile.d/50-tmout.sh")
        try tree.write("declare -rx TMOUT=120\n", to: "etc/profile.d/90-strict.sh")
        try tree.write("TMOUT=1\n", to: "etc/profile.d/zz-not-a-script.txt")
        let timeouts = ShellProfileReader.timeouts(HostRoot(path: tree.path))
        #expect(
            timeouts.map(\.description) == [
                "TMOUT=900 (/etc/profile:2)", "TMOUT=600 (/etc/bash.bashrc:1)", "TMOUT=300 readonly (/etc/profile.d/50-tmout.sh:1)",
                "TMOUT=120 readonly (/etc/profile.d/90-strict.sh:1)",
            ])
    }

    @Test("PAM: @include and include/substack are followed in place, -type and [..] controls are read")
    func pamIncludes() throws {
        let tree = try TemporaryDirectory()
        try tree.write(
            """
            # sshd
            @include common-auth
            account    required     pam_nologin.so
            -session   optional     pam_systemd.so
            password   substack     common-password
            """, to: "etc/pam.d/sshd")
        try tree.write(
            """
            auth    required                        pam_faillock.so preauth deny=5
            auth    [success=1 default=ignore]      pam_unix.so nullok
            auth    [default=die]                   pam_faillock.so authfail
            account include common-account
            """, to: "etc/pam.d/common-auth")
        try tree.write("account required pam_unix.so\n", to: "etc/pam.d/common-account")
        try tree.write(
            "password requisite /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so retry=3 minlen=14\nauth required pam_deny.so\n",
            to: "etc/pam.d/common-password")
        guard case .read(let stack) = PAMStackReader.read(service: "sshd", in: HostRoot(path: tree.path)) else {
            Issue.record("stack not read")
            return
        }
        #expect(
            stack.map { "\($0.type) \($0.control) \($0.module) \($0.arguments.joined(separator: " ")) @\($0.file):\($0.line)" }
                == [
                    "auth required pam_faillock.so preauth deny=5 @/etc/pam.d/common-auth:1",
                    "auth [success=1 default=ignore] pam_unix.so nullok @/etc/pam.d/common-auth:2",
                    "auth [default=die] pam_faillock.so authfail @/etc/pam.d/common-auth:3",
                    "account required pam_unix.so  @/etc/pam.d/common-account:1",
                    "account required pam_nologin.so  @/etc/pam.d/sshd:3",
                    "session optional pam_systemd.so  @/etc/pam.d/sshd:4",
                    "password requisite pam_pwquality.so retry=3 minlen=14 @/etc/pam.d/common-password:1",
                ])
        #expect(stack.first?.argument("deny") == "5")
        #expect(stack.first?.argument("preauth") == "")
    }

    @Test("PAM: an include that does not exist is a problem, not an empty stack")
    func pamMissingInclude() throws {
        let tree = try TemporaryDirectory()
        try tree.write("@include common-auth\n", to: "etc/pam.d/sshd")
        #expect(
            PAMStackReader.read(service: "sshd", in: HostRoot(path: tree.path))
                == .unreadable("/etc/pam.d/common-auth is included but does not exist"))
        #expect(PAMStackReader.read(service: "passwd", in: HostRoot(path: tree.path)) == .missing("/etc/pam.d/passwd does not exist"))
    }

    @Test("pwquality.conf.d drop-ins are read after the main file; login.defs and faillock.conf keep file and line")
    func keyValueFiles() throws {
        let tree = try TemporaryDirectory()
        try tree.write("# minlen = 9\nminlen = 10\nminclass=2\n", to: "etc/security/pwquality.conf")
        try tree.write("minlen = 14\n", to: "etc/security/pwquality.conf.d/50-agency.conf")
        try tree.write("PASS_MAX_DAYS\t99999\nPASS_MIN_LEN 8\n", to: "etc/login.defs")
        try tree.write("deny = 4\neven_deny_root\n", to: "etc/security/faillock.conf")
        let root = HostRoot(path: tree.path)
        guard case .read(let pwquality) = KeyValueConfigReader.pwquality(root),
            case .read(let loginDefs) = KeyValueConfigReader.loginDefs(root),
            case .read(let faillock) = KeyValueConfigReader.faillock(root)
        else {
            Issue.record("not read")
            return
        }
        #expect(pwquality["minlen"] == ConfigSetting(value: "14", file: "/etc/security/pwquality.conf.d/50-agency.conf", line: 1))
        #expect(pwquality["minclass"] == ConfigSetting(value: "2", file: "/etc/security/pwquality.conf", line: 3))
        #expect(loginDefs["PASS_MAX_DAYS"]?.value == "99999")
        #expect(faillock["even_deny_root"] == ConfigSetting(value: "", file: "/etc/security/faillock.conf", line: 2))
    }

    @Test("administrators: root and members of sudo/wheel, with password state and maximum age from /etc/shadow")
    func administrators() throws {
        let tree = try TemporaryDirectory()
        try tree.write("root:x:0:\nsudo:x:27:alice,bob\nwheel:x:10:carol\nusers:x:100:dave\n", to: "etc/group")
        try tree.write(
            "root:!:19000:0:99999:7:::\nalice:$y$j9T$abc:19000:0:60:7:::\nbob::19000:0::7:::\ncarol:$6$x:19000:0:90:7:::\ndave:$6$y:19000:0:::::\n",
            to: "etc/shadow")
        guard case .read(let accounts) = AdminAccountReader.read(HostRoot(path: tree.path)) else {
            Issue.record("not read")
            return
        }
        #expect(
            accounts == [
                AdminAccount(name: "alice", groups: ["sudo"], password: .set, maximumAgeDays: 60),
                AdminAccount(name: "bob", groups: ["sudo"], password: .empty, maximumAgeDays: nil),
                AdminAccount(name: "carol", groups: ["wheel"], password: .set, maximumAgeDays: 90),
                AdminAccount(name: "root", groups: [], password: .locked, maximumAgeDays: 99999),
            ])
    }
}
