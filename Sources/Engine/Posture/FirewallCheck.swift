import CanhModel

/// Whether an enabled host firewall denies inbound traffic that no rule allows, for IPv4 and
/// IPv6. Several inbound base chains all see a packet, so one chain that denies by default is
/// enough for its family.
extension HostCheck {
    static func firewall(_ host: HostObservation) -> (Outcome, Details) {
        guard case .read(let firewalls) = host.firewalls else { return (.error, [("error", .text(host.firewalls.problem ?? ""))]) }
        var denying: [String] = []
        var accepting: [String] = []
        var notLoaded: [String] = []
        var covered: Set<String> = []
        for firewall in firewalls {
            let enabled = firewall.isLive ? ["loaded now"] : firewall.units.filter { host.units[$0]?.isEnabled == true }
            guard !enabled.isEmpty else {
                notLoaded.append("\(firewall.name): configured, but \(firewall.units.joined(separator: " / ")) is not enabled")
                continue
            }
            if let off = firewall.switchedOff {
                notLoaded.append("\(firewall.name): \(enabled.joined(separator: ", ")) is enabled but the firewall is off: \(off)")
                continue
            }
            if firewall.inputChains.isEmpty { notLoaded.append("\(firewall.name): no chain filters inbound traffic") }
            for chain in firewall.inputChains {
                if deniesByDefault(chain) {
                    denying.append("\(firewall.name): \(chain)")
                    covered.formUnion(chain.family == "inet" ? ["ip", "ip6"] : [chain.family])
                } else {
                    accepting.append("\(firewall.name): \(chain)")
                }
            }
        }
        let open = [("ip", "IPv4"), ("ip6", "IPv6")].filter { !covered.contains($0.0) }.map(\.1)
        var details: Details = [("judged", .list(denying))]
        if !open.isEmpty {
            if firewalls.isEmpty { details.append(("problem", .text("no nftables, iptables, ufw or firewalld configuration"))) }
            details.append(("open_by_default", .list(open)))
            if !accepting.isEmpty { details.append(("accepting", .list(accepting))) }
            if !notLoaded.isEmpty { details.append(("not_loaded", .list(notLoaded))) }
        }
        return (open.isEmpty ? .pass : .fail, details)
    }

    /// The chain's policy drops or rejects, or its last rule drops or rejects every packet that
    /// reaches it (a drop for one port only leaves the rest accepted).
    static func deniesByDefault(_ chain: FirewallConfiguration.InputChain) -> Bool {
        let policy = chain.policy.value.split(separator: " ").first.map { $0.lowercased() } ?? ""
        if policy == "drop" || policy == "reject" { return true }
        guard let rule = chain.lastRule?.value else { return false }
        var words = rule.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.first == "-A" {
            // iptables: "-A INPUT -j DROP", "-j REJECT --reject-with …", "-m comment --comment …".
            words.removeFirst(min(2, words.count))
            var rest: [String] = []
            var index = 0
            while index < words.count {
                switch words[index] {
                case "-j": rest.append(index + 1 < words.count ? words[index + 1].lowercased() : "")
                case "--reject-with", "--comment": break
                case "-m" where index + 1 < words.count && words[index + 1] == "comment": break
                default:
                    rest.append(words[index])
                    index += 1
                    continue
                }
                index += 2
            }
            return rest == ["drop"] || rest == ["reject"]
        }
        // nftables: "counter drop", "log prefix \"in \" reject with icmpx type admin-prohibited".
        var verdicts: [String] = []
        var index = 0
        while index < words.count {
            switch words[index] {
            case "counter": index += 1
            case "log":
                index += 1
                while index + 1 < words.count, ["prefix", "level", "flags"].contains(words[index]) { index += 2 }
            case "drop", "reject":
                verdicts.append(words[index])
                index = words.count
            default:
                return false
            }
        }
        return !verdicts.isEmpty
    }
}
