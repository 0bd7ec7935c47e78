import Alerts
import CanhModel
import Foundation
import NIOSSL

/// Mails each message through an SMTP relay: EHLO, STARTTLS (required), EHLO again, AUTH PLAIN
/// when a user is configured, one envelope for every recipient, a UTF-8 plain-text body in the
/// channel's language. The key is the Message-ID, so a repeat is recognisable in any mailbox.
struct EmailSender: AlertSender {
    let email: AlertChannel.Email
    let language: AlertLanguage
    let hostname: String
    private let tls: NIOSSLContext

    init(_ email: AlertChannel.Email, language: AlertLanguage, hostname: String) throws(DeliveryError) {
        guard !email.to.isEmpty else { throw .configuration("an e-mail channel needs at least one address in `to`") }
        self.email = email
        self.language = language
        self.hostname = hostname
        tls = try StreamConnection.tlsContext(caFile: email.caFile)
    }

    func send(_ message: AlertMessage) async throws(DeliveryError) {
        let mail = MailMessage(message: message, language: language, from: email.from, to: email.to).rendered
        try await StreamConnection.open(host: email.host, port: email.port, tls: nil) { connection in
            var session = SMTPSession(connection: connection)
            try await session.expect(220, after: nil)
            let features = try await session.command("EHLO \(hostname)", expect: 250)
            guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw DeliveryError.refused(
                    "\(email.host):\(email.port)", "the server does not offer STARTTLS; Canh does not send findings or passwords in clear")
            }
            _ = try await session.command("STARTTLS", expect: 220)
            try await session.connection.startTLS(tls, host: email.host)
            _ = try await session.command("EHLO \(hostname)", expect: 250)
            if let username = email.username {
                let credentials = Array("\0\(username)\0\(email.password ?? "")".utf8)
                _ = try await session.command("AUTH PLAIN \(Data(credentials).base64EncodedString())", expect: 235, shown: "AUTH PLAIN …")
            }
            _ = try await session.command("MAIL FROM:<\(email.from)>", expect: 250)
            for recipient in email.to { _ = try await session.command("RCPT TO:<\(recipient)>", expect: 250, 251) }
            _ = try await session.command("DATA", expect: 354)
            _ = try await session.command(mail + ".", expect: 250, shown: "the message")
            _ = try? await session.command("QUIT", expect: 221)
        }
    }
}

/// One SMTP conversation: commands and their (possibly multi-line) replies.
private struct SMTPSession {
    var connection: StreamConnection

    /// Sends a command and returns the reply's lines when its code is one of `codes`.
    mutating func command(_ line: String, expect codes: Int..., shown: String? = nil) async throws -> [String] {
        try await connection.write(line + "\r\n")
        return try await expect(codes, after: shown ?? line)
    }

    mutating func expect(_ code: Int, after command: String?) async throws { _ = try await expect([code], after: command) }

    mutating func expect(_ codes: [Int], after command: String?) async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await connection.readLine()
            let code = Int(line.prefix(3))
            lines.append(String(line.dropFirst(4)))
            guard line.count >= 4, line[line.index(line.startIndex, offsetBy: 3)] == "-" else {
                guard let code, codes.contains(code) else {
                    throw DeliveryError.refused(connection.address, "\"\(line)\"" + (command.map { " after \($0)" } ?? ""))
                }
                return lines
            }
        }
    }
}

/// The message as it travels: RFC 5322 headers, the subject RFC 2047-encoded, the body base64
/// (UTF-8 Vietnamese survives any relay, and no line can end the DATA early).
struct MailMessage {
    let message: AlertMessage
    let language: AlertLanguage
    let from: String
    let to: [String]

    var rendered: String {
        let text = message.text(language)
        let headers = [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(Self.encodedWord(text.subject))",
            "Date: \(Self.date(message.at))", "Message-ID: <\(message.key)@canh>", "X-Canh-Key: \(message.key)",
            "Auto-Submitted: auto-generated", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        let body = Data(text.body.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        return (headers + ["", body]).joined(separator: "\r\n") + "\r\n"
    }

    /// ASCII as it is; anything else as RFC 2047 encoded words of at most 75 characters each,
    /// split between characters, on folded lines.
    static func encodedWord(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date in UTC, e.g. `Mon, 23 Nov 2026 03:14:15 +0000`.
    static func date(_ time: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.microsecondsSinceEpoch) / 1_000_000))
    }
}
