/// Findings the agent makes about itself, outside the rule pack: the collector knows their
/// titles and remediation from here, so they read like any rule's.
public struct BuiltInRule: Sendable, Hashable {
    public var id: String
    public var title: LocalizedText
    public var guidance: RuleGuidance

    /// The agent would not load the rule pack its system is assigned (issue 25).
    public static let rulePackRefused = BuiltInRule(
        id: "agent.rulepack.refused",
        title: LocalizedText(vi: "Tác tử từ chối gói luật được giao", en: "The agent refused the rule pack assigned to it"),
        guidance: RuleGuidance(
            remediation: LocalizedText(
                vi:
                    "Xem lý do trong \"canh-collector rules status\". Phát hành một phiên bản mới hơn, ký bằng khóa đã ghim trong rule_keys của agent.toml và qua được \"rules check\"; hoặc ghim khóa công khai của người phát hành nếu tin cậy.",
                en:
                    "Read the reason in \"canh-collector rules status\". Publish a newer version signed with a key pinned in agent.toml's rule_keys that passes \"rules check\"; or pin the publisher's public key if you trust it."
            )))

    public static let all: [BuiltInRule] = [rulePackRefused]
}
