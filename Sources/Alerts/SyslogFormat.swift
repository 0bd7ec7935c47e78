import CanhModel

/// One alert as an RFC 5424 syslog message for a SIEM: the subject as MSG, and what a SIEM
/// filters on as structured data (`canh@32473`: 32473 is the enterprise number RFC 5612 sets aside
/// for documentation, used until Canh has its own).
public struct SyslogFormat: Sendable {
    public var hostname: String
    public var appName: String
    /// Syslog facility (RFC 5424 §6.2.1); 16 = local0.
    public var facility: Int
    public var language: AlertLanguage

    public static let structuredDataID = "canh@32473"

    public init(hostname: String, appName: String = "canh-collector", facility: Int = 16, language: AlertLanguage = .en) {
        self.hostname = hostname
        self.appName = appName
        self.facility = facility
        self.language = language
    }

    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [canh@32473 …] BOM MSG`.
    public func line(for message: AlertMessage) -> String {
        let priority = facility * 8 + Self.code(of: message.severity)
        let messageID = message.transition?.rawValue ?? message.kind.rawValue
        var parameters: [(String, String)] = [
            ("key", message.key), ("kind", message.kind.rawValue), ("rule", message.rule), ("severity", message.severity.rawValue),
            ("system", message.system.id), ("level", String(message.system.level.rawValue)),
        ]
        if let host = message.host { parameters.append(("host", host)) }
        if let entity = message.finding?.entity { parameters.append(("entity", entity)) }
        if let fingerprint = message.finding?.fingerprint { parameters.append(("fingerprint", fingerprint)) }
        if let count = message.digest?.count { parameters.append(("count", String(count))) }
        if message.heldBack != nil { parameters.append(("held_back", "maintenance")) }
        if let guidance = message.guidance {
            // One line for a SIEM's column; the links go as they are, the first one only.
            let text = language == .vi ? guidance.remediation.vi : guidance.remediation.en
            parameters.append(("remediation", text.split(whereSeparator: \.isNewline).joined(separator: " ")))
            if let reference = guidance.references.first { parameters.append(("reference", reference)) }
        }
        let data = parameters.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: " ")
        let header = [
            "<\(priority)>1", message.at.iso8601, Self.field(hostname, 255), Self.field(appName, 48), "-", Self.field(messageID, 32),
        ]
        // The BOM tells the receiver MSG is UTF-8 (RFC 5424 §6.4): Vietnamese names stay readable.
        return header.joined(separator: " ") + " [\(Self.structuredDataID) \(data)] \u{FEFF}" + message.text(language).subject
    }

    /// RFC 6587 octet counting, as RFC 5425 requires over TLS: `LENGTH SP MESSAGE`.
    public func frame(for message: AlertMessage) -> [UInt8] {
        let bytes = Array(line(for: message).utf8)
        return Array("\(bytes.count) ".utf8) + bytes
    }

    /// Syslog severity of a finding severity (RFC 5424 table 2).
    static func code(of severity: Severity) -> Int {
        switch severity {
        case .critical: 2
        case .high: 3
        case .medium: 4
        case .low: 5
        case .info: 6
        }
    }

    /// A header field: printable US-ASCII without spaces, at most `limit` characters, `-` when empty.
    static func field(_ value: String, _ limit: Int) -> String {
        let printable = value.unicodeScalars.filter { $0.value > 32 && $0.value < 127 }.prefix(limit)
        return printable.isEmpty ? "-" : String(String.UnicodeScalarView(printable))
    }

    /// PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]`.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            if character == "\"" || character == "\\" || character == "]" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
