public import CanhModel
public import Hummingbird
import NIOCore

/// Who is calling: a person with an API token, or an enrolled agent with its client certificate.
public enum Caller: Sendable {
    case user(User)
    case agent(EnrolledHost)

    /// How the audit log and finding transitions name the caller.
    var actor: String {
        switch self {
        case .user(let user): "user:\(user.name)"
        case .agent(let host): "agent:\(host.agentID)"
        }
    }
}

/// The request context of the collector's API: the connection (for the client certificate)
/// and, once authenticated, the caller.
public struct CollectorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    var caller: Caller?
    /// A visit to the web console, as its gate admitted it.
    var console: ConsoleVisit?

    /// The console visit; outside the gate (which always sets it) an anonymous one, whose every
    /// `user(atLeast:)` is refused.
    var visit: ConsoleVisit { console ?? ConsoleVisit(language: .vi, address: "unknown") }

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// Batches of records are the largest bodies; 8 MiB holds ~10,000 records.
    public var maxUploadSize: Int { 8 << 20 }

    /// The user calling, if their role is at least `role`.
    func user(atLeast role: Role) throws -> User {
        guard case .user(let user) = caller else {
            throw HTTPError(.forbidden, message: "this endpoint is for users with an API token, not agents")
        }
        guard user.role >= role else {
            throw HTTPError(.forbidden, message: "\(user.name) is a \(user.role.rawValue); this needs the \(role.rawValue) role")
        }
        return user
    }

    /// The enrolled agent calling.
    func agent() throws -> EnrolledHost {
        guard case .agent(let host) = caller else {
            throw HTTPError(.forbidden, message: "this endpoint is for enrolled agents (client certificate), not users")
        }
        return host
    }
}
