import CanhModel

/// A request to the console as the gate admitted it: in which language, from whom (once signed
/// in), with which session and form.
struct ConsoleVisit: Sendable {
    var language: Language
    var user: User?
    /// The SHA-256 of the session cookie, and the token the session's forms carry.
    var sessionHash: String?
    var csrfToken: String?
    /// The fields of a posted form, once the gate has checked its CSRF token.
    var form: [String: String] = [:]
    /// Where the request came from, as the audit log names it.
    var address: String

    /// The signed-in user, if their role is at least `role`; a viewer posting an analyst's form
    /// is refused here, whatever the page showed them.
    func user(atLeast role: Role) throws(ConsoleRefusal) -> User {
        guard let user else { throw .signInNeeded }
        guard user.role >= role else { throw .forbidden(role) }
        return user
    }
}

/// Why the console turned a request away, shown as a page in the visitor's language.
enum ConsoleRefusal: Error, Sendable {
    /// No session, or one that ended: pages redirect to the sign-in form.
    case signInNeeded
    case sessionEnded
    /// The form did not carry this session's token: it was not sent from one of our pages.
    case forgedForm
    case forbidden(Role)
    case tooManySignIns(retryAfter: Int)
}
