import CanhModel
import Foundation
import TestSupport
import Testing

@testable import HostInspection

/// What the anti-malware, audit and log-shipping checks read, from trees laid out like a host.
@Suite struct ServiceReaderTests {
    /// A ClamAV database header as freshclam writes it: 512 bytes, padded with spaces, with a
    /// build time in words (holding a colon) and in seconds since the epoch.
    private func clamAVHeader(version: Int, built: Int64) -> [UInt8] {
        let header =
            "ClamAV-VDB:02 Dec 2026 06:00 +0000:\(version):2076599:90:2c8a0b4e8b1e2d36f4a8a3c2f4f1a9d0:abcdEFGH0123:raynman:\(built)"
        return Array(header.utf8) + Array(repeating: UInt8(ascii: " "), count: 512 - header.utf8.count) + [0x1f, 0x8b, 0x08, 0x00]
    }

    @Test("ClamAV: version and build time from each database's header; a damaged header is unreadable, not skipped")
    func signatureDatabases() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(SignatureDatabaseReader.read(root) == .missing("/var/lib/clamav does not exist"))
        try tree.write(clamAVHeader(version: 62, built: 1_694_000_000), to: "var/lib/clamav/main.cvd")
        try tree.write(clamAVHeader(version: 27_474, built: 1_796_191_200), to: "var/lib/clamav/daily.cld")
        try tree.write("DatabaseMirror database.clamav.net\n", to: "var/lib/clamav/freshclam.dat")
        #expect(
            SignatureDatabaseReader.read(root)
                == .read([
                    SignatureDatabase(
                        file: "/var/lib/clamav/daily.cld", version: 27_474, signatures: 2_076_599,
                        builtAt: Timestamp(secondsSinceEpoch: 1_796_191_200)),
                    SignatureDatabase(
                        file: "/var/lib/clamav/main.cvd", version: 62, signatures: 2_076_599,
                        builtAt: Timestamp(secondsSinceEpoch: 1_694_000_000)),
                ]))
        try tree.write(Array("<html>mirror error page</html>".utf8), to: "var/lib/clamav/bytecode.cvd")
        #expect(
            SignatureDatabaseReader.read(root)
                == .unreadable("/var/lib/clamav/bytecode.cvd has no ClamAV-VDB header with a version and a build time"))
    }

    @Test("audit: rules.d drop-ins in file-name order replace audit.rules; comments and blank lines are not rules")
    func auditRules() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(AuditRulesReader.read(root) == .missing("neither /etc/audit/rules.d/*.rules nor /etc/audit/audit.rules exists"))
        try tree.write("## compiled\n-D\n-w /etc/passwd -p wa\n", to: "etc/audit/audit.rules")
        #expect(
            AuditRulesReader.read(root)
                == .read([
                    ConfigSetting(value: "-D", file: "/etc/audit/audit.rules", line: 2),
                    ConfigSetting(value: "-w /etc/passwd -p wa", file: "/etc/audit/audit.rules", line: 3),
                ]))
        try tree.write("-a always,exit -S execve\n", to: "etc/audit/rules.d/50-exec.rules")
        try tree.write("# first\n-D\n", to: "etc/audit/rules.d/10-base.rules")
        try tree.write("-w /etc/shadow\n", to: "etc/audit/rules.d/99-notes.txt")
        guard case .read(let rules) = AuditRulesReader.read(root) else { throw FixtureError(description: "not read") }
        #expect(
            rules.map(\.description) == [
                "-D (/etc/audit/rules.d/10-base.rules:2)", "-a always,exit -S execve (/etc/audit/rules.d/50-exec.rules:1)",
            ])
    }

    @Test("log forwarding: rsyslog includes, legacy and multi-line RainerScript actions, syslog-ng destinations, journal-upload's URL")
    func logForwarders() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(LogForwardingReader.read(root) == .read([]))
        try tree.write(
            """
            module(load="imjournal")
            $IncludeConfig /etc/rsyslog.d/*.conf
            *.*;auth,authpriv.none  -/var/log/syslog
            #*.* @@old-siem.example:514
            """, to: "etc/rsyslog.conf")
        try tree.write(
            """
            auth,authpriv.*  @@siem.hungyen.gov.vn:6514
            if $programname == 'sshd' then action(type="omfwd"
                target="10.20.0.9" port="514" protocol="tcp")
            action(type="omfile" file="/var/log/local.log")
            """, to: "etc/rsyslog.d/50-remote.conf")
        try tree.write(
            """
            @include "scl.conf"
            source s_src { system(); internal(); };
            destination d_siem { network("10.20.0.10" port(6514) transport("tls")); };
            destination d_file { file("/var/log/messages"); };
            log { source(s_src); destination(d_siem); };
            """, to: "etc/syslog-ng/syslog-ng.conf")
        try tree.write("[Upload]\nURL=https://log.hungyen.gov.vn:19532\n", to: "etc/systemd/journal-upload.conf")
        guard case .read(let forwarders) = LogForwardingReader.read(root) else { throw FixtureError(description: "not read") }
        #expect(
            forwarders.map(\.description) == [
                "rsyslog.service: @@siem.hungyen.gov.vn:6514 (/etc/rsyslog.d/50-remote.conf:1)",
                "rsyslog.service: omfwd 10.20.0.9 (/etc/rsyslog.d/50-remote.conf:2)",
                "syslog-ng.service: network(10.20.0.10) (/etc/syslog-ng/syslog-ng.conf:3)",
                "systemd-journal-upload.service: https://log.hungyen.gov.vn:19532 (/etc/systemd/journal-upload.conf:2)",
            ])
        try tree.write([0xff, 0xfe, 0x00], to: "etc/rsyslog.d/60-binary.conf")
        #expect(LogForwardingReader.read(root) == .unreadable("/etc/rsyslog.d/60-binary.conf is not UTF-8 text"))
    }

    @Test("units: an enabled instance of an installed template unit (clamd@scan of clamd@.service) is enabled")
    func templateInstances() throws {
        let tree = try TemporaryDirectory()
        try tree.write("[Service]\nExecStart=/usr/sbin/clamd -c /etc/clamd.d/%i.conf\n", to: "usr/lib/systemd/system/clamd@.service")
        try FileManager.default.createDirectory(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: tree.file("etc/systemd/system/multi-user.target.wants/clamd@scan.service"),
            withDestinationPath: "/usr/lib/systemd/system/clamd@.service")
        let states = UnitStateReader.states(in: HostRoot(path: tree.path))
        #expect(states["clamd@scan.service"] == .enabled(by: "/etc/systemd/system/multi-user.target.wants/clamd@scan.service"))
        #expect(states["clamd@.service"] == .disabled)
    }

    @Test("journal sealing: the key journalctl --setup-keys leaves beside this machine's journal, not another's")
    func sealingKey() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        try tree.write("5f0c2d6e8a9b4c1d9e3f7a2b6c8d0e1f\n", to: "etc/machine-id")
        try tree.write([0x4b, 0x53, 0x48, 0x48], to: "var/log/journal/0123456789abcdef0123456789abcdef/fss")
        #expect(HostInspector.observe(root, host: "web01").journalSealingKey == nil)
        try tree.write([0x4b, 0x53, 0x48, 0x48], to: "var/log/journal/5f0c2d6e8a9b4c1d9e3f7a2b6c8d0e1f/fss")
        #expect(HostInspector.observe(root, host: "web01").journalSealingKey == "/var/log/journal/5f0c2d6e8a9b4c1d9e3f7a2b6c8d0e1f/fss")
    }

    @Test("firewalls: nftables with includes, flush and anonymous sets; iptables-persistent per family; ufw's switch; firewalld's zone")
    func firewalls() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(FirewallReader.read(root) == .read([]))
        try tree.write(
            """
            #!/usr/sbin/nft -f
            table inet old { chain input { type filter hook input priority 0; policy drop; } }
            flush ruleset
            include "/etc/nftables.d/*.nft"
            table inet filter {
                set admins { type ipv4_addr; elements = { 10.0.0.1, 10.0.0.2 } }
                chain input {
                    type filter hook input priority filter; policy accept;
                    ct state established,related accept
                    tcp dport { 22, 443 } accept  # services
                    tcp dport 23 drop
                }
                chain forward { type filter hook forward priority 0; policy drop; }
            }
            """, to: "etc/nftables.conf")
        try tree.write(
            "table ip6 extra {\n  chain in6 {\n    type filter hook input priority 10\n    policy drop\n  }\n}\n",
            to: "etc/nftables.d/10-v6.nft")
        try tree.write(
            "*nat\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n", to: "etc/iptables/rules.v4"
        )
        try tree.write("ENABLED=no\n", to: "etc/ufw/ufw.conf")
        try tree.write("IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n", to: "etc/default/ufw")
        try tree.write("DefaultZone=internal\n", to: "etc/firewalld/firewalld.conf")
        try tree.write(
            "<?xml version=\"1.0\"?>\n<zone target=\"ACCEPT\">\n  <short>Internal</short>\n</zone>\n",
            to: "etc/firewalld/zones/internal.xml")
        guard case .read(let firewalls) = FirewallReader.read(root) else { throw FixtureError(description: "not read") }
        #expect(firewalls.map(\.name) == ["nftables", "iptables", "ufw", "firewalld"])
        #expect(
            firewalls[0].inputChains.map(\.description) == [
                "ip6 extra in6 policy drop (/etc/nftables.d/10-v6.nft:4)",
                "inet filter input policy accept (/etc/nftables.conf:8), last rule tcp dport 23 drop (/etc/nftables.conf:11)",
            ])
        #expect(
            firewalls[1].inputChains.map(\.description) == [
                "ip filter INPUT policy drop (/etc/iptables/rules.v4:5), last rule -A INPUT -i lo -j ACCEPT (/etc/iptables/rules.v4:6)"
            ])
        #expect(firewalls[2].switchedOff == ConfigSetting(value: "ENABLED=no", file: "/etc/ufw/ufw.conf", line: 1))
        #expect(firewalls[2].inputChains.map(\.description) == ["inet DEFAULT_INPUT_POLICY policy drop (/etc/default/ufw:2)"])
        #expect(
            firewalls[3].inputChains.map(\.description) == [
                "inet zone internal policy accept (target ACCEPT) (/etc/firewalld/zones/internal.xml:2)"
            ])
        try tree.write([0xc3, 0x28], to: "etc/nftables.d/20-broken.nft")
        #expect(FirewallReader.read(root) == .unreadable("/etc/nftables.d/20-broken.nft is not UTF-8 text"))
    }

    @Test("OpenSSH version: the installed openssh-server in dpkg's database, else the string compiled into sshd")
    func opensshVersion() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(OpenSSHVersionReader.read(root) == nil)
        try tree.write(
            Array("\u{7f}ELF\u{2}\u{1}".utf8) + [0, 0, 0] + Array("OpenSSH_8.4p1 Debian-5+deb11u3\u{0}".utf8), to: "usr/sbin/sshd")
        #expect(OpenSSHVersionReader.read(root) == ConfigSetting(value: "8.4p1", file: "/usr/sbin/sshd", line: 0))
        try tree.write(
            """
            Package: openssh-server
            Status: deinstall ok config-files
            Version: 1:8.4p1-5+deb11u3

            Package: openssh-server
            Status: install ok installed
            Priority: optional
            Version: 1:9.2p1-2+deb12u3

            """, to: "var/lib/dpkg/status")
        #expect(OpenSSHVersionReader.read(root) == ConfigSetting(value: "9.2p1", file: "/var/lib/dpkg/status", line: 8))
    }

    @Test("os-release: /etc/os-release, else /usr/lib/os-release, with quoted and unquoted values")
    func osRelease() throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(OSReleaseReader.read(root) == .missing("neither /etc/os-release nor /usr/lib/os-release exists"))
        try tree.write(
            "PRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\nNAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID='9.4'\n", to: "usr/lib/os-release")
        #expect(
            OSReleaseReader.read(root)
                == .read(
                    OSRelease(
                        id: "rocky", versionID: "9.4", prettyName: "Rocky Linux 9.4 (Blue Onyx)",
                        source: ConfigSetting(value: "9.4", file: "/usr/lib/os-release", line: 4))))
        try tree.write("# Debian\nID=debian\nVERSION_ID=\"12\"\n", to: "etc/os-release")
        guard case .read(let debian) = OSReleaseReader.read(root) else { throw FixtureError(description: "not read") }
        #expect((debian.id, debian.versionID, debian.source.file) == ("debian", "12", "/etc/os-release"))
    }

    @Test("packages: installed versions against the newest of the security suites' lists, with each suite's InRelease date")
    func securityPackages() async throws {
        let tree = try TemporaryDirectory()
        let root = HostRoot(path: tree.path)
        #expect(
            PackageReader.read(root)
                == .missing("no package database: neither /var/lib/dpkg/status nor an rpm database (/var/lib/rpm/rpmdb.sqlite) exists"))
        try tree.write(
            """
            Package: openssl
            Status: install ok installed
            Architecture: amd64
            Version: 3.0.15-1~deb12u1
            Description: Secure Sockets Layer toolkit
             a continuation line: not a field

            Package: curl
            Status: install ok installed
            Architecture: amd64
            Version: 7.88.1-10+deb12u12~bpo12+1

            Package: old-tool
            Status: deinstall ok config-files
            Architecture: amd64
            Version: 1.0-1

            Package: tzdata
            Status: install ok installed
            Architecture: all
            Version: 2025b-0+deb12u1

            """, to: "var/lib/dpkg/status")
        let lists = "var/lib/apt/lists/"
        let security = "deb.debian.org_debian-security_dists_bookworm-security"
        try tree.write(
            """
            Origin: Debian
            Suite: stable-security
            Date: Tue, 01 Dec 2026 18:04:19 UTC
            """, to: lists + security + "_InRelease")
        try tree.write(
            """
            Package: openssl
            Architecture: amd64
            Version: 3.0.16-1~deb12u1

            Package: openssl
            Architecture: amd64
            Version: 3.0.17-1~deb12u2

            Package: curl
            Architecture: amd64
            Version: 7.88.1-10+deb12u8

            Package: old-tool
            Architecture: amd64
            Version: 2.0-1

            """, to: lists + security + "_main_binary-amd64_Packages")
        try tree.write("Package: tzdata\nArchitecture: all\nVersion: 2026a-0+deb12u1\n", to: lists + security + "_main_binary-all_Packages")
        try tree.write(
            "Package: openssl\nArchitecture: amd64\nVersion: 9.9-1\n",
            to: lists + "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages")
        guard case .read(let packages) = PackageReader.read(root) else { throw FixtureError(description: "not read") }
        #expect(packages.installedCount == 3)
        #expect(packages.securityLists.map(\.description) == ["bookworm-security (published 2026-12-01T18:04:19Z)"])
        #expect(
            packages.candidates.map(\.description) == [
                "curl:amd64 7.88.1-10+deb12u12~bpo12+1 → 7.88.1-10+deb12u8 (bookworm-security)",
                "openssl:amd64 3.0.15-1~deb12u1 → 3.0.17-1~deb12u2 (bookworm-security)",
                "tzdata:all 2025b-0+deb12u1 → 2026a-0+deb12u1 (bookworm-security)",
            ])
        #expect(PackageReader.securitySuite("security.debian.org_dists_stretch_updates_main_binary-amd64_Packages") == "stretch/updates")
        // Acquire::GzipIndexes: a gzip'd list is read like a plain one, an lz4'd one is named.
        let gzipped = try tree.write(
            "Package: openssl\nArchitecture: amd64\nVersion: 3.0.17-1~deb12u3\n", to: lists + security + "_non-free_binary-amd64_Packages")
        #expect(try await ProcessRunner.run("/bin/gzip", [gzipped]).status == 0)
        guard case .read(let fromGzip) = PackageReader.read(root) else { throw FixtureError(description: "a gzip'd list not read") }
        #expect(fromGzip.candidates.map(\.description).contains("openssl:amd64 3.0.15-1~deb12u1 → 3.0.17-1~deb12u3 (bookworm-security)"))
        try tree.write([0x04, 0x22, 0x4d, 0x18], to: lists + security + "_contrib_binary-amd64_Packages.lz4")
        guard case .unreadable(let why) = PackageReader.read(root) else {
            throw FixtureError(description: "compressed lists must not read as none")
        }
        #expect(
            why == "/\(lists + security)_contrib_binary-amd64_Packages.lz4 is compressed with lz4: only gzip'd and plain metadata are read")
    }

    @Test("the live ruleset: nft's JSON gives each inbound base chain with its policy and its last rule's statements")
    func liveRuleset() throws {
        let json = #"""
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
             {"table": {"family": "inet", "name": "filter", "handle": 1}},
             {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
             {"chain": {"family": "inet", "table": "filter", "name": "forward", "handle": 2, "type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}},
             {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 4,
                       "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"accept": null}]}},
             {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 5, "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}},
             {"chain": {"family": "ip6", "table": "raw", "name": "pre", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}}]}
            """#
        guard case .success(let chains) = NftablesRulesetParser.inputChains(json: Array(json.utf8)) else {
            throw FixtureError(description: "not parsed")
        }
        #expect(
            chains.map(\.description) == [
                "inet filter input policy accept (nft -j list ruleset:0), last rule counter drop (nft -j list ruleset:0)"
            ])
        guard case .failure(let problem) = NftablesRulesetParser.inputChains(json: Array("Error: Operation not permitted".utf8)) else {
            throw FixtureError(description: "an error message must not read as an empty ruleset")
        }
        #expect(problem.description == "nft -j list ruleset printed no nftables JSON document")
    }
}
