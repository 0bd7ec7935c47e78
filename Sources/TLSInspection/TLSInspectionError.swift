/// A certificate or key that could not be read, with OpenSSL's own reason.
public enum TLSInspectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes hold no certificate in PEM or DER form.
    case noCertificate(source: String)
    /// A certificate is present but OpenSSL cannot parse it.
    case malformedCertificate(source: String, reason: String)
    /// An OpenSSL call failed unexpectedly.
    case openSSLFailure(function: String, reason: String)

    public var description: String {
        switch self {
        case .noCertificate(let source):
            "\(source): no certificate found; expected PEM (-----BEGIN CERTIFICATE-----) or DER"
        case let .malformedCertificate(source, reason):
            "\(source): malformed certificate: \(reason)"
        case let .openSSLFailure(function, reason):
            "\(function) failed: \(reason)"
        }
    }
}
