/// Why a certificate, key or request could not be made or used.
public enum PKIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A PEM file or text that is not what it should be: which, and why.
    case unreadable(String)
    /// A certificate signing request that is malformed or not signed by its own key.
    case badRequest(String)
    /// Creating or signing failed inside the library.
    case signing(String)

    public var description: String {
        switch self {
        case .unreadable(let why): why
        case .badRequest(let why): "certificate request refused: \(why)"
        case .signing(let why): "could not sign: \(why)"
        }
    }
}
