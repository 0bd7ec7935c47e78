/// A remote destination the host's logs are sent to, and the service that sends them.
public struct LogForwarder: Sendable, Hashable, CustomStringConvertible {
    /// The unit that must run for the logs to leave (`rsyslog.service`, `syslog-ng.service`,
    /// `systemd-journal-upload.service`).
    public var unit: String
    /// The target as written (`@@siem.example:6514`, `URL=https://…`) and where.
    public var target: ConfigSetting

    public init(unit: String, target: ConfigSetting) {
        self.unit = unit
        self.target = target
    }

    public var description: String { "\(unit): \(target)" }
}
