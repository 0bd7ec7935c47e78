import CanhModel

/// The plain-text exchange that turns a mail or database connection into a TLS one, so that the
/// handshake and the probes that follow see the server's TLS side.
enum StartTLSNegotiation {
    /// - Parameter timeout: the seconds `deadline` stands for, for messages.
    static func negotiate(_ kind: StartTLS, on connection: TCPConnection, until deadline: Deadline, timeout: Double) throws(EndpointError) {
        do {
            try exchange(kind, connection, deadline)
        } catch .handshakeTimedOut {
            throw .startTLSFailed(
                endpoint: connection.endpoint, reason: "no \(kind == .smtp ? "SMTP" : "PostgreSQL") answer within \(Int(timeout)) s")
        }
    }

    private static func exchange(_ kind: StartTLS, _ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) {
        switch kind {
        case .smtp: try smtp(connection, deadline)
        case .postgres: try postgres(connection, deadline)
        }
    }

    /// RFC 3207: greeting, EHLO, STARTTLS, 220.
    private static func smtp(_ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) {
        var reader = ReplyReader()
        let greeting = try reader.reply(connection, deadline)
        guard greeting.code == 220 else { throw failure(connection, "SMTP greeting was \(greeting.code), not 220") }
        try send("EHLO canh-agent\r\n", connection, deadline)
        let capabilities = try reader.reply(connection, deadline)
        guard capabilities.code == 250 else { throw failure(connection, "EHLO was answered with \(capabilities.code)") }
        guard capabilities.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
            throw failure(connection, "the SMTP server does not offer STARTTLS (mail to it travels in clear text)")
        }
        try send("STARTTLS\r\n", connection, deadline)
        let ready = try reader.reply(connection, deadline)
        guard ready.code == 220 else { throw failure(connection, "STARTTLS was answered with \(ready.code)") }
    }

    /// The PostgreSQL SSLRequest (length 8, code 80877103); the server answers `S` or `N`.
    private static func postgres(_ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) {
        guard connection.send([0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F], until: deadline) else {
            throw failure(connection, "the server closed the connection before the SSLRequest")
        }
        switch connection.receive(limit: 1, until: deadline) {
        case .bytes(let answer) where answer == [UInt8(ascii: "S")]: return
        case .bytes(let answer) where answer == [UInt8(ascii: "N")]:
            throw failure(connection, "the PostgreSQL server refuses SSL (ssl = off): connections travel in clear text")
        case .bytes: throw failure(connection, "the answer to the SSLRequest is neither S nor N; is it PostgreSQL?")
        case .closed: throw failure(connection, "the server closed the connection after the SSLRequest")
        case .timedOut: throw .handshakeTimedOut(endpoint: connection.endpoint, seconds: 0)
        }
    }

    private static func send(_ line: String, _ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) {
        guard connection.send(Array(line.utf8), until: deadline) else {
            throw failure(connection, "the server closed the connection")
        }
    }

    private static func failure(_ connection: TCPConnection, _ reason: String) -> EndpointError {
        .startTLSFailed(endpoint: connection.endpoint, reason: reason)
    }

    /// Reads SMTP replies: lines `NNN-text` continue, `NNN text` ends a reply. Reads no further
    /// than the reply's end, so nothing of the TLS handshake is consumed.
    private struct ReplyReader {
        private var buffered: [UInt8] = []

        mutating func reply(_ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) -> (code: Int, lines: [String]) {
            var lines: [String] = []
            while true {
                let line = try self.line(connection, deadline)
                let bytes = Array(line.utf8)
                guard bytes.count >= 3, let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)) else {
                    throw StartTLSNegotiation.failure(connection, "not an SMTP reply: \"\(line.prefix(80))\"")
                }
                lines.append(String(decoding: bytes.dropFirst(4), as: UTF8.self))
                if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") { return (code, lines) }
            }
        }

        private mutating func line(_ connection: TCPConnection, _ deadline: Deadline) throws(EndpointError) -> String {
            while true {
                if let end = buffered.firstIndex(of: 10) {
                    let line = buffered[..<end]
                    buffered.removeSubrange(...end)
                    return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
                }
                guard buffered.count < 4096 else { throw StartTLSNegotiation.failure(connection, "an SMTP line is longer than 4 KiB") }
                // One byte at a time: the server starts TLS right after its last reply line.
                switch connection.receive(limit: 1, until: deadline) {
                case .bytes(let bytes): buffered += bytes
                case .closed: throw StartTLSNegotiation.failure(connection, "the server closed the connection")
                case .timedOut: throw .handshakeTimedOut(endpoint: connection.endpoint, seconds: 0)
                }
            }
        }
    }
}
