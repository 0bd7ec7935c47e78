/// The one HTTP exchange revocation checking needs: a GET (CRL) or POST (OCSP) to an `http://`
/// URL, bounded by a deadline like every other network wait of the probe. OCSP and CRL are
/// served over plain HTTP by design (RFC 6960 A.1, RFC 5280 4.2.1.13): the answers are signed.
enum PlainHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The body of a 200 response, at most `limit` bytes.
    static func fetch(
        _ url: String, post body: [UInt8]? = nil, contentType: String = "", timeout: Double, limit: Int = 16 << 20
    ) throws(Failure) -> [UInt8] {
        guard url.hasPrefix("http://") else { throw Failure(description: "\(url): only http:// URLs are fetched") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        var host = String(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]"),
            let parsed = Int(authority[authority.index(after: colon)...])
        {
            host = String(authority[..<colon])
            port = parsed
        }
        host = host.trimmingCharacters(in: "[]")
        guard !host.isEmpty else { throw Failure(description: "\(url): no host in the URL") }

        let deadline = Deadline.after(seconds: timeout)
        let connection: TCPConnection
        do {
            connection = try TCPConnection.connect(host: host, port: port, timeout: timeout)
        } catch {
            throw Failure(description: "\(url): \(error.description)")
        }
        var request = "\(body == nil ? "GET" : "POST") \(path.isEmpty ? "/" : path) HTTP/1.0\r\nHost: \(authority)\r\n"
        request += "User-Agent: canh-agent\r\nConnection: close\r\n"
        if let body { request += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        request += "\r\n"
        guard connection.send(Array(request.utf8) + (body ?? []), until: deadline) else {
            throw Failure(description: "\(url): the server closed the connection before the request was sent")
        }
        var response: [UInt8] = []
        reading: while true {
            switch connection.receive(until: deadline) {
            case .bytes(let bytes):
                response += bytes
                guard response.count <= limit else { throw Failure(description: "\(url): the response is larger than \(limit) bytes") }
            case .closed: break reading
            case .timedOut: throw Failure(description: "\(url): no complete answer within \(Int(timeout)) s")
            }
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = (0..<max(0, response.count - 3)).first(where: { response[$0..<$0 + 4].elementsEqual(separator) }) else {
            throw Failure(description: "\(url): not an HTTP response")
        }
        let statusLine = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { throw Failure(description: "\(url): not an HTTP response") }
        guard parts[1] == "200" else { throw Failure(description: "\(url): HTTP \(parts.dropFirst().joined(separator: " "))") }
        return Array(response[(headerEnd + 4)...])
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
