/// A host firewall as its configuration files load it at boot: the inbound chains it sets up,
/// and the units that load it.
public struct FirewallConfiguration: Sendable, Hashable {
    /// `nftables`, `iptables`, `ufw`, `firewalld`.
    public var name: String
    /// Any of these enabled loads it at boot.
    public var units: [String]
    /// The configuration says it is off even when its unit runs (ufw's `ENABLED=no`): where.
    public var switchedOff: ConfigSetting?
    public var inputChains: [InputChain]
    /// The ruleset the kernel holds now (read with `nft`), which needs no unit to be in force.
    public var isLive: Bool

    public init(name: String, units: [String], switchedOff: ConfigSetting? = nil, inputChains: [InputChain], isLive: Bool = false) {
        self.name = name
        self.units = units
        self.switchedOff = switchedOff
        self.inputChains = inputChains
        self.isLive = isLive
    }

    /// A chain that inbound traffic to the host passes through (nftables' `hook input`,
    /// iptables' `INPUT`, ufw's default input policy, firewalld's default zone).
    public struct InputChain: Sendable, Hashable, CustomStringConvertible {
        /// The address families it filters: `inet` (both), `ip` (IPv4) or `ip6`.
        public var family: String
        /// The chain's name as the configuration writes it (`inet filter input`, `INPUT`).
        public var name: String
        /// What happens to a packet no rule decides: `accept`, `drop` or `reject`, and where
        /// that is said (or the built-in default).
        public var policy: ConfigSetting
        /// The chain's last rule, as written, when it has rules.
        public var lastRule: ConfigSetting?

        public init(family: String, name: String, policy: ConfigSetting, lastRule: ConfigSetting? = nil) {
            self.family = family
            self.name = name
            self.policy = policy
            self.lastRule = lastRule
        }

        public var description: String { "\(family) \(name) policy \(policy)" + (lastRule.map { ", last rule \($0)" } ?? "") }
    }
}
