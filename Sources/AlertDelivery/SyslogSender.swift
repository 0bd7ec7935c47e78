import Alerts
import NIOSSL

/// Writes each message to the SIEM over TCP (TLS when configured) and closes the connection.
/// Syslog has no acknowledgement: a message counts as sent once the receiver took the bytes
/// and the connection closed cleanly; the key in its structured data lets the SIEM drop repeats.
struct SyslogSender: AlertSender {
    let syslog: AlertChannel.Syslog
    let format: SyslogFormat
    private let tls: NIOSSLContext?

    init(_ syslog: AlertChannel.Syslog, format: SyslogFormat) throws(DeliveryError) {
        self.syslog = syslog
        self.format = format
        tls = syslog.tls ? try StreamConnection.tlsContext(caFile: syslog.caFile) : nil
    }

    func send(_ message: AlertMessage) async throws(DeliveryError) {
        let frame = format.frame(for: message)
        try await StreamConnection.open(host: syslog.host, port: syslog.port, tls: tls) { connection in
            if tls != nil { try await connection.handshake() }
            try await connection.write(frame)
        }
    }
}
