public import Alerts

/// Sends one message to one channel; a thrown error means it did not arrive (or may not have:
/// the message's key lets the receiver drop a repeat).
public protocol AlertSender: Sendable {
    func send(_ message: AlertMessage) async throws(DeliveryError)
}

extension AlertChannel {
    /// The sender for this channel's destination.
    public func sender(hostname: String) throws(DeliveryError) -> any AlertSender {
        switch destination {
        case .webhook(let webhook): try WebhookSender(webhook)
        case .syslog(let syslog): try SyslogSender(syslog, format: SyslogFormat(hostname: hostname, language: language))
        case .email(let email): try EmailSender(email, language: language, hostname: hostname)
        }
    }
}
