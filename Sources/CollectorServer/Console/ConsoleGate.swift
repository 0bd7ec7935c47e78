import CanhModel
import CollectorStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// In front of every console route: the visitor's language, security headers on every answer,
/// refusals shown as pages; and for pages behind sign-in, the session (idle and absolute expiry,
/// revocation) and, on every form posted, the session's CSRF token.
struct ConsoleGate: RouterMiddleware {
    typealias Context = CollectorContext
    let console: Console
    let requiresSession: Bool

    /// No inline script or style, nothing from another host, never inside a frame.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
        ("Strict-Transport-Security", "max-age=31536000"), ("Cross-Origin-Opener-Policy", "same-origin"),
    ].compactMap { name, value in HTTPField.Name(name).map { ($0, value) } }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        let language = request.cookies[Console.languageCookie].flatMap { Language(rawValue: $0.value) } ?? .vi
        context.console = ConsoleVisit(language: language, address: Self.address(of: context))
        var response: Response
        do {
            if requiresSession { try await admit(&request, &context) }
            response = try await next(request, context)
        } catch {
            response = console.errorPage(error, request: request, context: context)
        }
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// Finds the session, ends it when it is too old or idle, and checks a posted form's token.
    private func admit(_ request: inout Request, _ context: inout Context) async throws {
        guard let cookie = request.cookies[Console.sessionCookie]?.value, !cookie.isEmpty else { throw ConsoleRefusal.signInNeeded }
        let hash = Secrets.hash(cookie)
        guard
            let (session, user) = try await stored({ () async throws(StoreError) in try await console.store.consoleSession(idHash: hash) })
        else { throw ConsoleRefusal.signInNeeded }
        let time = console.now()
        let posting = request.method == .post
        if session.revokedAt != nil || time.since(session.lastSeen) > console.limits.idle
            || time.since(session.createdAt) > console.limits.absolute
        {
            if posting { throw ConsoleRefusal.sessionEnded }
            throw ConsoleRefusal.signInNeeded
        }
        // Idle time is counted from the last request, recorded at most once a minute (or more
        // often under a short idle limit) so that reading pages does not write on every request.
        if time.since(session.lastSeen) > min(.seconds(60), TimeSpan(microseconds: console.limits.idle.microseconds / 4)) {
            try await stored { () async throws(StoreError) in try await console.store.touchConsoleSession(idHash: hash, at: time) }
        }
        context.console?.user = user
        context.console?.sessionHash = hash
        context.console?.csrfToken = session.csrfToken
        guard posting else { return }
        let body = try await request.collectBody(upTo: Console.largestForm)
        let fields = ConsoleQuery.fields(String(buffer: body))
        guard let sent = fields["csrf"], Self.equal(sent, session.csrfToken) else {
            try await console.api.audit(.user(user), "console.csrf.refused", request.uri.path, context.console?.address)
            throw ConsoleRefusal.forgedForm
        }
        context.console?.form = fields
    }

    /// Compares secrets in time that does not depend on where they differ.
    static func equal(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func address(of context: Context) -> String {
        guard let address = context.channel.remoteAddress else { return "unknown" }
        return address.ipAddress ?? "\(address)"
    }
}
