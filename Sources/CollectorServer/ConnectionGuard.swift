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
    /// From the connection's start, or the first byte of a later request, to a complete request
    /// head: covers the TLS handshake and headers sent slowly.
    public var headerTimeout: Duration
    /// From a request's head to the end of its body.
    public var requestTimeout: Duration
    /// How long a kept-alive connection may wait, silent, for its next request (agents reuse their
    /// connection; the collector's client closes its idle ones sooner, after 30 s).
    public var idleTimeout: Duration
    /// Connections open at once from one IP address. Agents behind one NAT share an address.
    public var connectionsPerAddress: Int

    public init(
        headerTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60), idleTimeout: Duration = .seconds(60),
        connectionsPerAddress: Int = 128
    ) {
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.connectionsPerAddress = connectionsPerAddress
    }

    /// Header fields and their sizes the decoder accepts; a request over them is answered 431.
    static let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 64 << 10, maxHeaderFieldCount: 100)
}

/// A child channel that first counts its peer's connections, closing it at once when the
/// address already holds its share, and signals bytes as they arrive; then sets up `base`
/// (TLS, HTTP).
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let counter: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
                [ConnectionCountHandler(counter: counter), InboundBytesSignal()], position: .first)
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

/// Tells the handlers after TLS and HTTP decoding that bytes arrived, before any request part
/// can be decoded from them: how `RequestDeadlineHandler` tells a slow request from an idle
/// connection.
final class InboundBytesSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// The user event fired for every read from the socket.
    struct BytesArrived: Sendable {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesArrived())
        context.fireChannelRead(data)
    }
}

/// Deadlines for reading requests, and the JSON error the API answers when the HTTP decoder
/// refuses what it read (headers too large, a malformed request line). A request head must be
/// complete within `headerTimeout` of the connection's start (TLS handshake included) or of the
/// first byte of a later request, and a whole request within `requestTimeout` of its head; a
/// kept-alive connection may stay silent `idleTimeout` between requests. A client that sends a
/// byte a second is therefore closed after `headerTimeout`, whatever keep-alive allows.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private var deadline: Scheduled<Void>?
    /// Between a response and the first byte of the next request.
    private var idle = false
    private var answeredError = false

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) { expect(within: limits.headerTimeout, context: context) }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is InboundBytesSignal.BytesArrived {
            if idle {
                idle = false
                expect(within: limits.headerTimeout, context: context)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            idle = false
            expect(within: limits.requestTimeout, context: context)
        case .end: cancel()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            idle = true
            expect(within: limits.idleTimeout, context: context)
        }
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
