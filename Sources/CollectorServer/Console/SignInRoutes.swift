import CanhModel
import CollectorStore
import Foundation
import Hummingbird

/// Signing in with an API token, signing out, and the language switch.
extension Console {
    func addSignInRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("signin") { request, context in
            try signInForm(request: request, context: context, error: nil, status: .ok)
        }
        group.post("signin") { request, context in
            try await signIn(request: request, context: context)
        }
        group.get("language") { request, _ in
            let language = request.uri.queryParameters.get("to").flatMap(Language.init(rawValue:)) ?? .vi
            // Only back to a page of the console: never an open redirect to another site.
            let back = request.uri.queryParameters.get("back").flatMap { $0.removingPercentEncoding } ?? "/ui/"
            let target = back.hasPrefix("/ui") && !back.hasPrefix("//") && !back.contains("\\") ? back : "/ui/"
            var response = Self.redirect(to: target)
            response.setCookie(
                Cookie(
                    name: Self.languageCookie, value: language.rawValue, maxAge: 365 * 86_400, path: "/", secure: true, httpOnly: true,
                    sameSite: .strict))
            return response
        }
    }

    /// Behind the gate: the session and the form's token are checked like any other form's, so
    /// that no page elsewhere can sign a person out.
    func addSignOutRoute(to group: RouterGroup<CollectorContext>) {
        group.post("signout") { _, context in
            guard let visit = context.console, let hash = visit.sessionHash else { return Self.redirect(to: "/ui/signin") }
            _ = try await stored { () async throws(StoreError) in
                try await store.revokeConsoleSessions(idHash: hash, user: nil, at: now())
            }
            if let user = visit.user { try await api.audit(.user(user), "console.signout", user.name, visit.address) }
            var response = Self.redirect(to: "/ui/signin")
            response.setCookie(Self.expired(Self.sessionCookie))
            return response
        }
    }

    private func signInForm(request: Request, context: CollectorContext, error: String?, status: HTTPResponse.Status) throws -> Response {
        struct Body {
            var signinToken: String
            var error: String?
        }
        // A sign-in form is only accepted with the random value its page set in a cookie: a page
        // elsewhere cannot sign a browser in under someone else's token.
        let token = Secrets.newToken()
        var response = page("signin", Body(signinToken: token, error: error), request: request, context: context, status: status)
        response.setCookie(
            Cookie(name: Self.signInCookie, value: token, maxAge: 3600, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        return response
    }

    private func signIn(request: Request, context: CollectorContext) async throws -> Response {
        var request = request
        let vi = context.visit.language == .vi
        let address = context.visit.address
        let time = now()
        if let seconds = await throttle.wait(for: address, at: time) {
            try await api.audit(nil, "console.signin.throttled", address, "retry after \(seconds) s")
            throw ConsoleRefusal.tooManySignIns(retryAfter: seconds)
        }
        let fields = ConsoleQuery.fields(String(buffer: try await request.collectBody(upTo: Self.largestForm)))
        guard let sent = fields["signin"], let expected = request.cookies[Self.signInCookie]?.value, ConsoleGate.equal(sent, expected)
        else { throw ConsoleRefusal.forgedForm }
        let token = (fields["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, token.utf8.count <= 256,
            let user = try await stored({ () async throws(StoreError) in try await store.user(tokenHash: Secrets.hash(token)) })
        else {
            await throttle.failed(address, at: time)
            try await api.audit(nil, "console.signin.failed", address, "unknown API token")
            return try signInForm(
                request: request, context: context,
                error: vi ? "Mã truy cập không đúng." : "That token is not known.", status: .unauthorized)
        }
        await throttle.succeeded(address)
        let sessionID = Secrets.newToken()
        let session = ConsoleSession(user: user.name, csrfToken: Secrets.newToken(), createdAt: time, lastSeen: time)
        try await stored { () async throws(StoreError) in try await store.addConsoleSession(session, idHash: Secrets.hash(sessionID)) }
        try await api.audit(.user(user), "console.signin", user.name, address)
        var response = Self.redirect(to: "/ui/")
        response.setCookie(
            Cookie(
                name: Self.sessionCookie, value: sessionID, maxAge: Int(limits.absolute.microseconds / 1_000_000), path: "/", secure: true,
                httpOnly: true, sameSite: .strict))
        response.setCookie(Self.expired(Self.signInCookie))
        return response
    }

    static func expired(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}
