/// Why an endpoint could not be probed. Every case names the endpoint.
public enum EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    case resolveFailed(endpoint: String, reason: String)
    case connectFailed(endpoint: String, reason: String)
    case connectTimedOut(endpoint: String, seconds: Double)
    case handshakeTimedOut(endpoint: String, seconds: Double)
    case handshakeFailed(endpoint: String, reason: String)
    case startTLSFailed(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case let .resolveFailed(endpoint, reason): "\(endpoint): cannot resolve the host name: \(reason)"
        case let .connectFailed(endpoint, reason): "\(endpoint): cannot connect: \(reason)"
        case let .connectTimedOut(endpoint, seconds):
            "\(endpoint): no connection within \(formatted(seconds)) s (filtered port or host down)"
        case let .handshakeTimedOut(endpoint, seconds):
            "\(endpoint): connected, but no TLS handshake within \(formatted(seconds)) s (is it a TLS port?)"
        case let .handshakeFailed(endpoint, reason): "\(endpoint): TLS handshake failed: \(reason)"
        case let .startTLSFailed(endpoint, reason): "\(endpoint): could not upgrade to TLS: \(reason)"
        }
    }
}

private func formatted(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
