/// Why a message did not reach its channel, in words a sysadmin can act on. Every case is
/// retried with backoff until the channel's attempts run out.
public enum DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection: the address, and what the system said.
    case unreachable(String, String)
    /// The TLS handshake failed (wrong CA, wrong name, old protocol).
    case tls(String, String)
    /// The receiver answered, but not with success: its answer.
    case refused(String, String)
    /// The receiver did not answer within the time allowed.
    case timedOut(String)
    /// The configuration cannot work (a URL that does not parse, a file that cannot be read).
    case configuration(String)

    public var description: String {
        switch self {
        case .unreachable(let address, let why): "cannot connect to \(address): \(why)"
        case .tls(let address, let why): "TLS with \(address) failed: \(why)"
        case .refused(let address, let answer): "\(address) refused the message: \(answer)"
        case .timedOut(let address): "\(address) did not answer in time"
        case .configuration(let why): why
        }
    }
}

extension DeliveryError {
    /// A TLS library error with what to check, when the library's words are not enough.
    static func explain(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the receiver's certificate is not signed by the CA in the channel's `ca` (or the system's roots) or does not"
                + " name the host in its address (\(text))"
        }
        return text
    }
}
