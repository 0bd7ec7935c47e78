/// Why the store refused or failed, in words an operator can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The named thing does not exist: what and which.
    case notFound(String)
    /// It exists already, or a change would break a rule of the inventory.
    case conflict(String)
    /// The request itself is wrong (a status change that makes no sense, a missing reason).
    case invalid(String)
    /// The database could not be opened, migrated or written: where and why.
    case database(String)

    /// What went wrong, without the kind.
    public var message: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalid(let text), .database(let text): text
        }
    }

    public var description: String {
        switch self {
        case .notFound(let what): "not found: \(what)"
        case .conflict(let why): "conflict: \(why)"
        case .invalid(let why): "invalid: \(why)"
        case .database(let why): "database error: \(why)"
        }
    }
}
