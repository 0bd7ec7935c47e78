import CollectorStore
import Foundation
import Hummingbird

/// JSON bodies decoded with messages that name the field at fault (`records[3].severity: …`),
/// and store errors turned into the HTTP status they mean.
enum RequestBody {
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, context: CollectorContext) async throws -> Value {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { text, key in
                key.intValue.map { "\(text)[\($0)]" } ?? (text.isEmpty ? key.stringValue : "\(text).\(key.stringValue)")
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue): missing"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            let where_ = path(context.codingPath)
            return where_.isEmpty ? "the body is not valid JSON" : "\(where_): \(context.debugDescription)"
        @unknown default: return "the body could not be decoded"
        }
    }
}

extension StoreError {
    /// The HTTP error a store refusal means to the caller.
    var http: HTTPError {
        switch self {
        case .notFound(let what): HTTPError(.notFound, message: "not found: \(what)")
        case .conflict(let why): HTTPError(.conflict, message: why)
        case .invalid(let why): HTTPError(.badRequest, message: why)
        case .database: HTTPError(.internalServerError, message: "the collector's store failed; see its log")
        }
    }
}

/// Runs a store call, turning its errors into HTTP errors.
/// A failure of the database itself stays a `StoreError`, so that the error middleware logs what
/// failed before answering 500 (its HTTP error says only "see the log").
func stored<Value>(_ body: () async throws(StoreError) -> Value) async throws -> Value {
    do {
        return try await body()
    } catch .database(let problem) {
        throw StoreError.database(problem)
    } catch {
        throw error.http
    }
}
