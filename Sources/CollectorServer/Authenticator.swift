import CanhModel
import CollectorPKI
import CollectorStore
import Foundation
import Hummingbird
import NIOSSL

/// Establishes the caller of every API request: a bearer token (users) or the client
/// certificate the collector's CA issued (agents). Revocation takes effect on the next request:
/// the host's status is read each time.
struct Authenticator: RouterMiddleware {
    typealias Context = CollectorContext
    let store: any CollectorStore
    /// Paths that need no caller: health, metrics and enrollment (which carries its own token).
    let openPaths: Set<String>
    /// The web console's paths: it signs people in with sessions of its own, and the API's
    /// credentials mean nothing there.
    let ownAuthentication: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !openPaths.contains(path), path != ownAuthentication, !path.hasPrefix(ownAuthentication + "/") else {
            return try await next(request, context)
        }
        var context = context
        if let authorization = request.headers[.authorization] {
            // RFC 7235 §2.1: the scheme is case-insensitive ("bearer", "BEARER").
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw HTTPError(.unauthorized, message: "the Authorization header must be \"Bearer TOKEN\"")
            }
            let token = parts[1].trimmingCharacters(in: .whitespaces)
            guard let user = try await store.user(tokenHash: Secrets.hash(token)) else {
                throw HTTPError(.unauthorized, message: "unknown API token")
            }
            context.caller = .user(user)
        } else if let certificate = try? await context.channel.nioSSL_peerCertificate().get() {
            guard let agentID = ClientCertificateIdentity.agentID(derBytes: try certificate.toDERBytes()),
                let host = try await store.host(agentID: agentID)
            else { throw HTTPError(.unauthorized, message: "the client certificate names no enrolled agent") }
            guard host.status != .revoked else {
                throw HTTPError(.forbidden, message: "agent \(agentID) (\(host.hostname)) has been revoked; enroll it again")
            }
            context.caller = .agent(host)
        } else {
            throw HTTPError(.unauthorized, message: "send an API token (Authorization: Bearer …) or an agent client certificate")
        }
        return try await next(request, context)
    }
}
