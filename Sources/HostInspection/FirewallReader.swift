public import CanhModel
import Foundation

/// The host firewalls configured to load at boot, read from their files: nftables
/// (`/etc/nftables.conf` or RHEL's `/etc/sysconfig/nftables.conf`, with `include`s),
/// iptables-persistent (`/etc/iptables/rules.v4`, `rules.v6`; RHEL's `/etc/sysconfig/iptables`,
/// `ip6tables`), ufw (`/etc/ufw/ufw.conf`, `/etc/default/ufw`) and firewalld (`firewalld.conf`'s
/// default zone and that zone's target). The check decides which are enabled and whether they
/// deny inbound traffic by default.
public enum FirewallReader {
    public static func read(_ root: HostRoot) -> ConfigurationState<[FirewallConfiguration]> {
        do {
            var firewalls: [FirewallConfiguration] = []
            for main in ["/etc/nftables.conf", "/etc/sysconfig/nftables.conf"] where root.exists(main) {
                firewalls.append(
                    FirewallConfiguration(
                        name: "nftables", units: ["nftables.service"], inputChains: try NftablesParser.inputChains(root, main: main)))
            }
            let iptables: [(files: [(String, String)], units: [String])] = [
                (
                    [("/etc/iptables/rules.v4", "ip"), ("/etc/iptables/rules.v6", "ip6")],
                    ["netfilter-persistent.service", "iptables-persistent.service"]
                ),
                ([("/etc/sysconfig/iptables", "ip")], ["iptables.service"]),
                ([("/etc/sysconfig/ip6tables", "ip6")], ["ip6tables.service"]),
            ]
            for (files, units) in iptables where files.contains(where: { root.exists($0.0) }) {
                var chains: [FirewallConfiguration.InputChain] = []
                for (file, family) in files { chains += try iptablesInput(root, file: file, family: family) }
                firewalls.append(FirewallConfiguration(name: "iptables", units: units, inputChains: chains))
            }
            if let ufw = try ufw(root) { firewalls.append(ufw) }
            if let firewalld = try firewalld(root) { firewalls.append(firewalld) }
            return .read(firewalls)
        } catch {
            return .unreadable(error.description)
        }
    }

    /// iptables-save format: the `*filter` table's `:INPUT POLICY` line and its last `-A INPUT` rule.
    private static func iptablesInput(
        _ root: HostRoot, file: String, family: String
    ) throws(HostRoot.UnreadableFile) -> [FirewallConfiguration.InputChain] {
        guard let text = try root.textIfPresent(file) else { return [] }
        var table = ""
        var chain: FirewallConfiguration.InputChain?
        for (number, line) in ConfigLines(text).all {
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
            } else if table == "filter", line.hasPrefix(":INPUT ") {
                let policy = line.split(separator: " ").dropFirst().first.map { $0.lowercased() } ?? "accept"
                chain = .init(family: family, name: "filter INPUT", policy: ConfigSetting(value: policy, file: file, line: number))
            } else if table == "filter", line.hasPrefix("-A INPUT ") {
                chain?.lastRule = ConfigSetting(value: line, file: file, line: number)
            }
        }
        return chain.map { [$0] } ?? []
    }

    private static func ufw(_ root: HostRoot) throws(HostRoot.UnreadableFile) -> FirewallConfiguration? {
        guard let conf = try root.textIfPresent("/etc/ufw/ufw.conf") else { return nil }
        let enabled = ConfigLines(conf).assignments(file: "/etc/ufw/ufw.conf")["ENABLED"]
        let defaults = ConfigLines(try root.textIfPresent("/etc/default/ufw") ?? "").assignments(file: "/etc/default/ufw")
        let policy =
            defaults["DEFAULT_INPUT_POLICY"].map { ConfigSetting(value: $0.value.lowercased(), file: $0.file, line: $0.line) }
            ?? ConfigSetting(value: "drop", file: "ufw default", line: 0)
        let ipv6 = defaults["IPV6"].map { $0.value.lowercased() == "yes" } ?? true
        let off =
            enabled.map { $0.value.lowercased() == "yes" ? nil : ConfigSetting(value: "ENABLED=\($0.value)", file: $0.file, line: $0.line) }
            ?? ConfigSetting(value: "ENABLED not set (ufw's default: no)", file: "/etc/ufw/ufw.conf", line: 0)
        return FirewallConfiguration(
            name: "ufw", units: ["ufw.service"], switchedOff: off,
            inputChains: [.init(family: ipv6 ? "inet" : "ip", name: "DEFAULT_INPUT_POLICY", policy: policy)])
    }

    /// firewalld's default zone and its target: `ACCEPT` lets everything in, the default
    /// (`default`, `%%REJECT%%`) rejects and `DROP` drops what no service or port opens.
    private static func firewalld(_ root: HostRoot) throws(HostRoot.UnreadableFile) -> FirewallConfiguration? {
        let conf = "/etc/firewalld/firewalld.conf"
        guard let text = try root.textIfPresent(conf) else { return nil }
        let zone = ConfigLines(text).assignments(file: conf)["DefaultZone"]
        let name = zone?.value ?? "public"
        for file in ["/etc/firewalld/zones/\(name).xml", "/usr/lib/firewalld/zones/\(name).xml"] {
            guard let xml = try root.textIfPresent(file) else { continue }
            let number = (xml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<zone") } ?? 0) + 1
            let target = xml.range(of: #"<zone[^>]*\starget="([^"]*)""#, options: .regularExpression).map { match in
                String(xml[match].split(separator: "\"").dropFirst().first ?? "default")
            }
            let policy = target.map { $0.uppercased() == "ACCEPT" ? "accept" : $0.uppercased() == "DROP" ? "drop" : "reject" } ?? "reject"
            return FirewallConfiguration(
                name: "firewalld", units: ["firewalld.service"],
                inputChains: [
                    .init(
                        family: "inet", name: "zone \(name)",
                        policy: ConfigSetting(value: "\(policy) (target \(target ?? "default"))", file: file, line: number))
                ])
        }
        // The zones firewalld ships: only "trusted" accepts by default.
        let policy = name == "trusted" ? "accept" : "reject"
        return FirewallConfiguration(
            name: "firewalld", units: ["firewalld.service"],
            inputChains: [
                .init(
                    family: "inet", name: "zone \(name)",
                    policy: ConfigSetting(value: "\(policy) (firewalld's built-in zone)", file: zone?.file ?? conf, line: zone?.line ?? 0))
            ])
    }
}
