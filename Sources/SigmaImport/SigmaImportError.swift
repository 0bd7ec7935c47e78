/// Why a Sigma rule cannot become a Canh rule, in words for the person importing it.
public enum SigmaImportError: Error, Equatable, CustomStringConvertible {
    case notImportable(String)

    public var description: String {
        switch self {
        case .notImportable(let reason): reason
        }
    }
}
