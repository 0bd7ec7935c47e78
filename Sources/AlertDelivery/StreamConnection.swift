import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// A TCP connection, TLS from the start or after STARTTLS, read line by line: what the syslog
/// and SMTP senders need. The whole exchange runs inside `open`, which closes the connection
/// afterwards and gives up when `deadline` passes.
struct StreamConnection {
    let channel: any Channel
    let address: String
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    /// Completed by the TLS handshake of a connection that starts with TLS.
    private let tlsReady: EventLoopFuture<Void>?

    private init(
        channel: any Channel, address: String, tlsReady: EventLoopFuture<Void>?,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.channel = channel
        self.address = address
        self.tlsReady = tlsReady
        self.inbound = inbound
        self.outbound = outbound
    }

    static func open<Result: Sendable>(
        host: String, port: Int, tls: NIOSSLContext?, deadline: Duration = .seconds(30),
        _ body: (inout StreamConnection) async throws -> Result
    ) async throws(DeliveryError) -> Result {
        let address = "\(host):\(port)"
        let asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = tls.map { _ in loop.makePromise(of: Void.self) }
        do {
            asyncChannel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls, let handshake {
                            try channel.pipeline.syncOperations.addHandlers(
                                NIOSSLClientHandler(context: tls, serverHostname: Self.serverName(host)),
                                HandshakeWatcher(promise: handshake))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            handshake?.fail(DeliveryError.unreachable(address, "\(error)"))
            throw .unreachable(address, "\(error)")
        }
        let channel = asyncChannel.channel
        // Closing the channel ends a read or write that waits too long; the flag tells that
        // close from the peer's.
        let expired = NIOLockedValueBox(false)
        let timer = channel.eventLoop.scheduleTask(in: .seconds(deadline.components.seconds)) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await asyncChannel.executeThenClose { inbound, outbound in
                var connection = StreamConnection(
                    channel: channel, address: address, tlsReady: handshake?.futureResult, inbound: inbound.makeAsyncIterator(),
                    outbound: outbound)
                return try await body(&connection)
            }
        } catch let error as DeliveryError {
            throw expired.withLockedValue { $0 } ? .timedOut(address) : error
        } catch _ where expired.withLockedValue({ $0 }) {
            throw .timedOut(address)
        } catch let error as NIOSSLError {
            throw .tls(address, DeliveryError.explain(error))
        } catch let error as BoringSSLError {
            throw .tls(address, DeliveryError.explain(error))
        } catch {
            throw .unreachable(address, "\(error)")
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    func write(_ text: String) async throws { try await write(Array(text.utf8)) }

    /// The next line without its CRLF (or LF); an error when the peer closes first.
    mutating func readLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeSubrange(...end)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let buffer = try await inbound.next() else {
                throw DeliveryError.refused(
                    address, "the connection closed" + (pending.isEmpty ? "" : " after \"\(String(decoding: pending, as: UTF8.self))\""))
            }
            pending.append(contentsOf: buffer.readableBytesView)
            guard pending.count < 65_536 else { throw DeliveryError.refused(address, "a line longer than 64 KiB") }
        }
    }

    /// Puts TLS under the rest of the conversation (SMTP STARTTLS) and waits for the handshake.
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let name = Self.serverName(host)
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        let channel = self.channel
        try await channel.eventLoop.submit {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(HandshakeWatcher(promise: handshake), position: .first)
            try operations.addHandler(NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
        }.get()
        try await wait(for: handshake.futureResult)
    }

    /// Waits until the TLS the connection started with is up, so that a refused certificate is
    /// an error here rather than a write that seemed to succeed (syslog has no answer to tell).
    func handshake() async throws {
        if let tlsReady { try await wait(for: tlsReady) }
    }

    private func wait(for handshake: EventLoopFuture<Void>) async throws {
        do {
            try await handshake.get()
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError.tls(address, DeliveryError.explain(error))
        }
    }

    /// SNI takes names, not addresses.
    static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// A client context trusting `caFile` (PEM), or the system's roots; TLS 1.2 at least.
    static func tlsContext(caFile: String?) throws(DeliveryError) -> NIOSSLContext {
        let configuration = try tlsConfiguration(caFile: caFile)
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .configuration("cannot use \(caFile ?? "the system's CA certificates") for TLS: \(error)")
        }
    }

    /// The TLS every channel uses: 1.2 at least, trusting `caFile` (PEM) or the system's roots.
    static func tlsConfiguration(caFile: String?) throws(DeliveryError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        guard let caFile else { return configuration }
        do {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        } catch {
            throw .configuration("cannot use \(caFile) for TLS: \(error)")
        }
        return configuration
    }
}

/// Completes its promise when the TLS handshake before it in the pipeline does, or fails it
/// with the handshake's error, once.
private final class HandshakeWatcher: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>
    private var settled = false

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    private func settle(_ result: Result<Void, any Error>) {
        guard !settled else { return }
        settled = true
        promise.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { settle(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settle(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(DeliveryError.tls("the peer", "the connection closed during the handshake")))
        context.fireChannelInactive()
    }
}
