public import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// How long a console session lasts: ended after `idle` without a request, and after
/// `absolute` in any case.
public struct ConsoleSessionLimits: Sendable, Hashable {
    public var idle: TimeSpan
    public var absolute: TimeSpan

    public init(idle: TimeSpan = .minutes(30), absolute: TimeSpan = .hours(12)) {
        self.idle = idle
        self.absolute = absolute
    }
}

/// The web console (issue 23): server-rendered pages under `/ui/` on the API's listener, over
/// the same store, roles and audit log. People sign in with their API token, which is exchanged
/// for a session kept on the server; the API itself never accepts the session cookie.
struct Console: Sendable {
    static let sessionCookie = "__Host-canh_session"
    static let signInCookie = "__Host-canh_signin"
    static let languageCookie = "canh_lang"
    /// Forms are small; a bulk action's filter and reason fit in a few KiB.
    static let largestForm = 64 << 10

    let api: CollectorAPI
    let templates: ConsoleTemplates
    let limits: ConsoleSessionLimits
    let throttle: SignInThrottle
    let logger: Logger

    var store: any CollectorStore { api.store }
    func now() -> Timestamp { api.now() }

    func addRoutes(to router: Router<CollectorContext>) {
        let open = router.group("ui").add(middleware: ConsoleGate(console: self, requiresSession: false))
        addSignInRoutes(to: open)
        open.get("assets/console.css") { _, _ in Self.asset(ConsoleTemplates.stylesheet, type: "text/css; charset=utf-8") }
        open.get("assets/console.js") { _, _ in Self.asset(ConsoleTemplates.script, type: "text/javascript; charset=utf-8") }
        let pages = router.group("ui").add(middleware: ConsoleGate(console: self, requiresSession: true))
        addSignOutRoute(to: pages)
        addOverviewRoutes(to: pages)
        addSystemRoutes(to: pages)
        addFindingRoutes(to: pages)
        addCertificateRoutes(to: pages)
        addAlertRoutes(to: pages)
        addAuditRoutes(to: pages)
        addReportRoutes(to: pages)
        addComplianceRoutes(to: pages)
    }

    private static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A rendered page.
    func page(
        _ template: String, _ body: Any, request: Request, context: CollectorContext, notice: String? = nil,
        status: HTTPResponse.Status = .ok
    )
        -> Response
    {
        let visit = context.visit
        let frame = ConsoleFrame(
            visit: visit, path: request.uri.path, query: request.uri.query ?? "", notice: notice, now: now())
        guard let html = templates.render(template, frame: frame, body: body) else {
            logger.error("console template missing", metadata: ["template": "\(template)", "problems": "\(templates.problems)"])
            return Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "console template \(template) is missing\n")))
        }
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A redirect after a form (303: the browser follows with a GET).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// The page of a refusal or failure, in the visitor's language.
    func errorPage(_ error: any Error, request: Request, context: CollectorContext) -> Response {
        let language = context.visit.language
        let vi = language == .vi
        let status: HTTPResponse.Status
        let message: String
        var headers: HTTPFields = [:]
        switch error {
        case let refusal as ConsoleRefusal:
            switch refusal {
            case .signInNeeded:
                return Self.redirect(to: "/ui/signin")
            case .sessionEnded:
                status = .forbidden
                message = vi ? "Phiên làm việc đã hết hạn; hãy đăng nhập lại." : "Your session has ended; sign in again."
            case .forgedForm:
                status = .forbidden
                message =
                    vi
                    ? "Biểu mẫu không mang mã chống giả mạo (CSRF) của phiên này; hãy mở lại trang rồi gửi lại."
                    : "The form did not carry this session's anti-forgery (CSRF) token; open the page again and resend it."
            case .forbidden(let role):
                status = .forbidden
                message =
                    vi
                    ? "Thao tác này cần vai trò \(ConsoleFormat.role(role, .vi)) trở lên."
                    : "This needs the \(role.rawValue) role or higher."
            case .tooManySignIns(let seconds):
                status = .tooManyRequests
                headers[.retryAfter] = "\(seconds)"
                message =
                    vi
                    ? "Quá nhiều lần đăng nhập sai từ địa chỉ này; hãy thử lại sau \(seconds) giây."
                    : "Too many failed sign-ins from this address; try again in \(seconds) seconds."
            }
        case let error as HTTPError:
            status = error.status
            message = error.body ?? error.status.reasonPhrase
        case let error as any HTTPResponseError:
            status = error.status
            message = error.status.reasonPhrase
        default:
            logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            status = .internalServerError
            message = vi ? "Bộ thu thập không trả lời được; nhật ký của nó ghi lý do." : "The collector failed to answer; its log says why."
        }
        struct Body {
            var status: String
            var message: String
            var back: String
        }
        var response = page(
            "error", Body(status: "\(status.code) \(status.reasonPhrase)", message: message, back: "/ui/"), request: request,
            context: context, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}
