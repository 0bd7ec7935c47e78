import Alerts
import CanhModel
import TestSupport
import Testing

@Suite struct AlertRoutingTests {
    let portal = InformationSystem(
        id: "hy-dvc", name: "Cổng dịch vụ công", owner: "UBND tỉnh Hưng Yên", level: Level.all[2], dossier: .approved)
    let mail = InformationSystem(id: "hy-mail", name: "Thư công vụ", owner: "Sở KH&CN", level: Level.all[1])

    func event(
        _ transition: AlertTransition = .opened, rule: String = "auth.ssh.bruteforce", severity: Severity = .high,
        system: InformationSystem? = nil
    ) -> AlertEvent {
        AlertEvent(
            transition: transition, rule: rule, severity: severity, system: system ?? portal, host: "web01", subject: "f1",
            at: .at("2026-11-22T03:00:00Z"))
    }

    @Test func everyFilterMustPass() {
        let rule = AlertRule(
            name: "soc", minimumSeverity: .high, rulePatterns: ["auth.*", "tls.cert.expir*"], systems: [], owners: ["UBND tỉnh Hưng Yên"],
            levels: [Level.all[2], Level.all[3]], transitions: [.opened, .reopened], channels: ["webhook"])
        #expect(rule.matches(event()))
        #expect(rule.matches(event(rule: "tls.cert.expiring")))
        #expect(!rule.matches(event(rule: "tls.cert.self_signed")), "pattern")
        #expect(!rule.matches(event(severity: .medium)), "severity")
        #expect(rule.matches(event(severity: .critical)))
        #expect(!rule.matches(event(.resolved)), "transition")
        #expect(!rule.matches(event(system: mail)), "owner and level")
        #expect(AlertRule(name: "all", channels: ["x"]).matches(event(.hostStale, rule: "host.stale", severity: .info, system: mail)))
    }

    @Test(arguments: [
        ("auth.*", "auth.ssh.bruteforce", true), ("auth.*", "account.created", false), ("*.failed", "service.failed", true),
        ("tls.*.expired", "tls.cert.expired", true), ("tls.*.expired", "tls.cert.expiring", false),
        ("log.coverage.gap", "log.coverage.gap", true),
        ("log.coverage", "log.coverage.gap", false), ("*", "anything", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXcYb", false),
    ])
    func patterns(pattern: String, rule: String, expected: Bool) {
        #expect(AlertRule(name: "r", rulePatterns: [pattern], channels: ["c"]).matches(event(rule: rule)) == expected)
    }

    @Test func eachChannelOnceWithTheFirstRuleThatNamedIt() {
        let routing = AlertRouting(rules: [
            AlertRule(name: "high", minimumSeverity: .high, channels: ["soc", "email"]),
            AlertRule(name: "everything", channels: ["email", "siem"]),
            AlertRule(name: "stale", transitions: [.hostStale], channels: ["pager"]),
        ])
        let deliveries = routing.deliveries(for: event())
        #expect(deliveries.map(\.channel) == ["soc", "email", "siem"])
        #expect(deliveries.map(\.rule) == ["high", "high", "everything"])
        #expect(routing.deliveries(for: event(severity: .low)).map(\.channel) == ["email", "siem"])
    }

    @Test func theIdempotencyKeyNamesTheEventNotTheDelivery() {
        #expect(event().idempotencyKey == event().idempotencyKey)
        #expect(event().idempotencyKey != event(.resolved).idempotencyKey)
        #expect(event().idempotencyKey.count == 64)
    }
}
