import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// How long a client may take and how many connections one address may hold: what keeps slow or
/// idle clients (a byte a second, a TLS handshake never finished) from tying up the collector.
public struct ConnectionLimits: Sendable, Hashable {
    /// From the connection's start, or the end of the last response, to a complete request head;
    /// covers the TLS handshake, slow headers and idle keep-alive connections.
    public var headerTimeout: Duration
    /// From a request's head to the end of its body.
    public var requestTimeout: Duration
    /// Connections open at once from one IP address. Agents behind one NAT share an address.
    public var connectionsPerAddress: Int

    public init(headerTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60), connectionsPerAddress: Int = 128) {
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
        self.connectionsPerAddress = connectionsPerAddress
    }

    /// Header fields and their sizes the decoder accepts; a request over them is answered 431.
    static let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 64 << 10, maxHeaderFieldCount: 100)
}

/// A child channel that first counts its peer's connections, closing it at once when the
/// address already holds its share, then sets up `base` (TLS, HTTP).
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let counter: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionCountHandler(counter: counter), position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Open connections per address, shared by every event loop.
final class ConnectionCounter: Sendable {
    private let limit: Int
    private let open = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false (and not counted) when the address is at its limit.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            guard open[address, default: 0] < limit else { return false }
            open[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }
}

/// The first handler of every connection: admits it or closes it.
final class ConnectionCountHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let counter: ConnectionCounter
    private var counted: String?

    init(counter: ConnectionCounter) { self.counter = counter }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let address = context.channel.remoteAddress?.ipAddress else { return }
        if counter.admit(address) {
            counted = address
        } else {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    private func release() {
        guard let address = counted else { return }
        counted = nil
        counter.release(address)
    }
}

/// Deadlines for reading requests, and the JSON error the API answers when the HTTP decoder
/// refuses what it read (headers too large, a malformed request line): a request head must
/// arrive within `headerTimeout` of the connection's start or of the previous response, and a
/// whole request within `requestTimeout` of its head; otherwise the connection is closed.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private var deadline: Scheduled<Void>?
    private var answeredError = false

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) { expect(within: limits.headerTimeout, context: context) }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: expect(within: limits.requestTimeout, context: context)
        case .end: cancel()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { expect(within: limits.headerTimeout, context: context) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // Answered here, in the API's JSON form, instead of Hummingbird's empty 400.
        guard !answeredError else { return }
        answeredError = true
        cancel()
        let (status, message) = Self.describe(parserError)
        let body = ByteBuffer(string: #"{"error":{"message":"\#(message)"}}"#)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private static func describe(_ error: HTTPParserError) -> (HTTPResponse.Status, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "the request's header fields are larger than the collector accepts (64 KiB, 100 fields)")
        case .invalidURL: return (.badRequest, "the request's URL is malformed")
        default: return (.badRequest, "the request is not valid HTTP/1.1")
        }
    }

    private func expect(within limit: Duration, context: ChannelHandlerContext) {
        cancel()
        let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
            context.close(promise: nil)
        }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}
