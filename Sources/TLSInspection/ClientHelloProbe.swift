import CanhModel

/// Asks a server, with one hand-built TLS ClientHello per probe, whether it would accept a
/// protocol version or a cipher suite, and reads only its ServerHello: no handshake is finished,
/// no key is exchanged, and the local TLS library's own limits do not matter.
enum ClientHelloProbe {
    enum Answer: Equatable {
        /// The server answered with a ServerHello choosing `version` and `suite`.
        case serverHello(version: UInt16, suite: UInt16)
        /// An alert (its description code) or a closed connection (nil).
        case refused(alert: UInt8?)
        /// Bytes that are not a TLS record (an HTTP or SSH server, say).
        case notTLS
    }

    static func ask(
        _ endpoint: Endpoint, version: UInt16, suites: [UInt16], connectTimeout: Double, readTimeout: Double
    ) throws(EndpointError) -> Answer {
        let connection = try TCPConnection.connect(host: endpoint.host, port: endpoint.port, timeout: connectTimeout)
        let deadline = Deadline.after(seconds: readTimeout)
        if let kind = endpoint.startTLS { try StartTLSNegotiation.negotiate(kind, on: connection, until: deadline, timeout: readTimeout) }
        guard connection.send(clientHello(version: version, suites: suites, serverName: endpoint.serverName), until: deadline) else {
            return .refused(alert: nil)
        }
        var received: [UInt8] = []
        while true {
            if let answer = parse(received) { return answer }
            switch connection.receive(until: deadline) {
            case .bytes(let bytes): received += bytes
            case .closed: return .refused(alert: nil)
            case .timedOut: throw .handshakeTimedOut(endpoint: connection.endpoint, seconds: readTimeout)
            }
        }
    }

    /// A ClientHello record offering `suites` at `version` (extensions from TLS 1.0 on).
    static func clientHello(version: UInt16, suites: [UInt16], serverName: String) -> [UInt8] {
        var body: [UInt8] = []
        body += bigEndian(version)
        var generator = SystemRandomNumberGenerator()
        body += (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        body.append(0)  // no session id
        body += bigEndian(UInt16(suites.count * 2))
        for suite in suites { body += bigEndian(suite) }
        body += [1, 0]  // compression: null only
        if version >= 0x0301 {
            var extensions: [UInt8] = []
            if !isIPLiteral(serverName) {
                let name = Array(serverName.utf8)
                extensions += extensionBytes(0x0000, bigEndian(UInt16(name.count + 3)) + [0] + bigEndian(UInt16(name.count)) + name)
            }
            let groups: [UInt16] = [0x001D, 0x0017, 0x0018, 0x0019]
            extensions += extensionBytes(0x000A, bigEndian(UInt16(groups.count * 2)) + groups.flatMap(bigEndian))
            extensions += extensionBytes(0x000B, [1, 0])
            let signatures: [UInt16] = [0x0804, 0x0403, 0x0401, 0x0805, 0x0503, 0x0501, 0x0806, 0x0603, 0x0601, 0x0201, 0x0203]
            extensions += extensionBytes(0x000D, bigEndian(UInt16(signatures.count * 2)) + signatures.flatMap(bigEndian))
            extensions += extensionBytes(0xFF01, [0])  // renegotiation_info, empty
            body += bigEndian(UInt16(extensions.count)) + extensions
        }
        let handshake: [UInt8] = [1] + bigEndian24(body.count) + body
        let recordVersion: UInt16 = version == 0x0300 ? 0x0300 : 0x0301
        return [22] + bigEndian(recordVersion) + bigEndian(UInt16(handshake.count)) + handshake
    }

    /// The answer in the bytes received so far, or nil if more are needed.
    static func parse(_ bytes: [UInt8]) -> Answer? {
        // A TLS record starts with its type (20–24) and major version 3.
        if let first = bytes.first, !(20...24).contains(first) { return .notTLS }
        if bytes.count >= 2, bytes[1] != 3 { return .notTLS }
        var handshake: [UInt8] = []
        var offset = 0
        while offset + 5 <= bytes.count {
            let type = bytes[offset]
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard offset + 5 + length <= bytes.count else { break }
            let fragment = Array(bytes[(offset + 5)..<(offset + 5 + length)])
            offset += 5 + length
            switch type {
            case 21: return .refused(alert: fragment.count >= 2 ? fragment[1] : nil)
            case 22: handshake += fragment
            default: return .notTLS
            }
            // ServerHello: type 2, length (3), version (2), random (32), session id (1 + n), suite (2).
            guard handshake.count >= 39 else { continue }
            guard handshake[0] == 2 else { return .refused(alert: nil) }
            let sessionLength = Int(handshake[38])
            guard handshake.count >= 39 + sessionLength + 2 else { continue }
            let version = UInt16(handshake[4]) << 8 | UInt16(handshake[5])
            let suite = UInt16(handshake[39 + sessionLength]) << 8 | UInt16(handshake[40 + sessionLength])
            return .serverHello(version: version, suite: suite)
        }
        return nil
    }

    private static func extensionBytes(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
        bigEndian(type) + bigEndian(UInt16(data.count)) + data
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    private static func bigEndian24(_ value: Int) -> [UInt8] {
        [UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
