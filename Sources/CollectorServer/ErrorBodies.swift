import Hummingbird
import Logging
import NIOCore

/// Every refusal of the API carries the JSON error body clients read (`{"error":{"message":…}}`):
/// errors raised without a message (an unknown path, a body over the size limit) get one, and an
/// error that is not an HTTP error is a 500 that says where to look, never a stack of internals.
/// URLs longer than the API needs are refused before anything else reads them.
struct ErrorBodies: RouterMiddleware {
    typealias Context = CollectorContext
    /// Longer than any URL of the API with its query (report periods, filters).
    static let longestURL = 8 << 10
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.description.utf8.count <= Self.longestURL else {
            throw HTTPError(.uriTooLong, message: "the URL is longer than the \(Self.longestURL) bytes the API accepts")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.body == nil {
            throw HTTPError(error.status, headers: error.headers, message: Self.message(for: error.status, context: context))
        } catch let error as HTTPError {
            throw error
        } catch let error as any HTTPResponseError {
            throw HTTPError(error.status, message: Self.message(for: error.status, context: context))
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw HTTPError(.internalServerError, message: "the collector failed to answer; its log says why")
        }
    }

    private static func message(for status: HTTPResponse.Status, context: Context) -> String {
        switch status {
        case .notFound: "no such endpoint; the API is described in openapi/collector.yaml"
        case .methodNotAllowed: "this endpoint does not take that method"
        case .contentTooLarge: "the body is larger than the \(context.maxUploadSize) bytes the collector accepts"
        default: status.reasonPhrase
        }
    }
}
