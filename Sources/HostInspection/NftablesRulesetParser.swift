public import CanhModel
import Foundation

/// The inbound base chains of the ruleset the kernel holds now, from `nft -j list ruleset`
/// (libnftables-json(5)): `chain` objects with `hook: input`, and each chain's last `rule`,
/// written as its statements' names (`counter drop`, `match accept`) so that the firewall check
/// can tell an unconditional drop from a conditional one.
public enum NftablesRulesetParser {
    public static func inputChains(json: [UInt8]) -> Result<[FirewallConfiguration.InputChain], HostRoot.UnreadableFile> {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let objects = document["nftables"] as? [[String: Any]]
        else { return .failure(HostRoot.UnreadableFile(description: "nft -j list ruleset printed no nftables JSON document")) }
        var chains: [(key: String, chain: FirewallConfiguration.InputChain)] = []
        var lastRules: [String: String] = [:]
        for object in objects {
            if let chain = object["chain"] as? [String: Any], chain["hook"] as? String == "input",
                let family = chain["family"] as? String, ["ip", "ip6", "inet"].contains(family),
                let table = chain["table"] as? String, let name = chain["name"] as? String
            {
                let policy = (chain["policy"] as? String) ?? "accept"
                chains.append(
                    (
                        "\(family) \(table) \(name)",
                        .init(
                            family: family, name: "\(table) \(name)",
                            policy: ConfigSetting(value: policy, file: "nft -j list ruleset", line: 0))
                    ))
            } else if let rule = object["rule"] as? [String: Any], let family = rule["family"] as? String,
                let table = rule["table"] as? String, let chain = rule["chain"] as? String,
                let expressions = rule["expr"] as? [[String: Any]]
            {
                lastRules["\(family) \(table) \(chain)"] = expressions.compactMap { $0.keys.first }.joined(separator: " ")
            }
        }
        return .success(
            chains.map { key, chain in
                var chain = chain
                chain.lastRule = lastRules[key].map { ConfigSetting(value: $0, file: "nft -j list ruleset", line: 0) }
                return chain
            })
    }
}
