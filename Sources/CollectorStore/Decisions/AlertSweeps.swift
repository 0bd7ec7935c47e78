package import Alerts
package import CanhModel

/// The outbox's periodic decisions: which silent hosts to alert on, and the digest that takes the
/// place of a window's suppressed messages. Stores find the rows; these decide what to queue.
package enum AlertSweeps {
    /// Whether any alert rule listens for silent hosts: when none does, a store need not look.
    package static func watchesStaleHosts(_ routing: AlertRouting) -> Bool {
        routing.rules.contains { $0.transitions.isEmpty || $0.transitions.contains(.hostStale) }
    }

    /// The messages for active hosts silent since before `time - staleAfter`, by host. The event's
    /// time is when the host went stale, so one silence is one alert however often this runs.
    package static func staleHostAlerts(
        _ silent: [EnrolledHost], systems: [String: InformationSystem], routing: AlertRouting, staleAfter: TimeSpan, at time: Timestamp
    ) throws -> [(host: EnrolledHost, entries: [OutboxEntry])] {
        try silent.map { host in
            var outbox = AlertOutbox(routing: routing, system: systems[host.system], queuedAt: time)
            try outbox.queueStale(host, at: (host.lastSeen ?? host.enrolledAt) + staleAfter)
            return (host, outbox.entries)
        }
    }

    /// The suppressed messages of one (channel, system, rule), as a store groups them.
    package struct SuppressedGroup: Sendable {
        package var channel: String
        package var count: Int
        package var since: Timestamp
        package var until: Timestamp
        /// The outbox ids of the first and last message, which the digest replaces.
        package var first: Int64
        package var last: Int64
        /// One of the messages, as JSON: the digest names its system, rule and severity.
        package var sample: String

        package init(channel: String, count: Int, since: Timestamp, until: Timestamp, first: Int64, last: Int64, sample: String) {
            self.channel = channel
            self.count = count
            self.since = since
            self.until = until
            self.first = first
            self.last = last
            self.sample = sample
        }
    }

    /// The digest queued in place of a group; its key names the messages it replaces, so the same
    /// group digested twice (two collectors, a retried sweep) is one message.
    package static func digest(of group: SuppressedGroup, windowMinutes: Int, at time: Timestamp) throws -> (
        entry: OutboxEntry, system: String, rule: String
    ) {
        let sample = try AlertOutbox.decode(AlertMessage.self, from: group.sample)
        let digest = AlertMessage(
            key: StableDigest.hex(of: ["digest", group.channel, sample.system.id, sample.rule, String(group.first), String(group.last)]),
            kind: .digest, transition: nil, alertRule: sample.alertRule, at: time, system: sample.system, host: nil, rule: sample.rule,
            severity: sample.severity,
            digest: AlertDigest(count: group.count, since: group.since, until: group.until, windowMinutes: windowMinutes))
        return (try AlertOutbox.entry(digest, channel: group.channel, at: time), sample.system.id, sample.rule)
    }
}
