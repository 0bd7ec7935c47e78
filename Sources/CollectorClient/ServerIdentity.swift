import CollectorPKI
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Checks that the collector's certificate is valid for the name in its URL exactly as RFC 6125
/// §6 says, which swift-nio-ssl alone does not: it also accepts a certificate whose IP address
/// entry matches the address the name resolved to (`https://localhost` with a certificate for
/// 127.0.0.1 only, which curl refuses), and falls back to the subject's common name.
///
/// One TLS handshake is made first, with the chain verified against the same trust roots, and
/// the leaf's names are matched here: DNS-IDs against a DNS name, IP-IDs against an address.
/// The address that answered is returned, and the HTTP client then connects to that address
/// only. (It also makes a wrong name an immediate, plain error: the HTTP client retries failed
/// handshakes until its connect timeout.)
enum ServerIdentity {
    /// The canonical text of `host` when it is an IP address literal; nil for a DNS name.
    static func canonicalAddress(_ host: String) -> String? { (try? SocketAddress(ipAddress: host, port: 0))?.ipAddress }

    /// Connects to `host:port`, verifies the chain with `tls` and the name as RFC 6125 says;
    /// returns the IP address of the server that proved it.
    static func verifiedAddress(host: String, port: Int, tls: TLSConfiguration) async throws(CollectorClientError) -> String {
        var configuration = tls
        // The chain is still verified against the trust roots; the name is checked below.
        configuration.certificateVerification = .noHostnameVerification
        let address = canonicalAddress(host)
        // SNI carries names only (RFC 6066 §3).
        let serverName = address == nil ? host : nil
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: HandshakeWaiter.Peer.self)
        let channel: any Channel
        do {
            let context = try NIOSSLContext(configuration: configuration)
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(handshake))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            handshake.fail(ChannelError.ioOnClosedChannel)
            throw .unreachable("https://\(host):\(port): \(error)")
        }
        defer { channel.close(promise: nil) }
        let peer: HandshakeWaiter.Peer
        do {
            peer = try await handshake.futureResult.get()
        } catch {
            throw .unreachable("https://\(host):\(port): \(error)")
        }
        guard let der = peer.certificate, let names = try? CertificateDescription.subjectAlternativeNames(der: der) else {
            throw .unreachable("https://\(host):\(port): the collector presented no certificate that can be read")
        }
        let valid = address.map { address in names.addresses.contains { canonicalAddress($0) == address } }
        guard valid ?? matches(reference: host, dnsNames: names.dns) else {
            let presented = names.dns + names.addresses
            throw .unreachable(
                "https://\(host):\(port): the collector's certificate is not valid for the \(address == nil ? "name" : "address") \(host) (it names "
                    + (presented.isEmpty ? "nothing" : presented.joined(separator: ", "))
                    + "); use a URL with one of those names, or give the name to `canh-collector init --hostname`")
        }
        return peer.address
    }

    /// RFC 6125 §6.4: whether a presented DNS-ID matches the reference identifier, compared in
    /// ASCII case-insensitively (IDNs as A-labels), with a trailing dot ignored. A wildcard is
    /// honoured only as the whole left-most label, matching exactly one label, and not directly
    /// under a top-level domain (`*.vn`). Common names and IP-IDs never match a DNS name.
    static func matches(reference: String, dnsNames: [String]) -> Bool {
        func labels(_ name: String) -> [Substring] {
            let lowered = name.lowercased()
            return (lowered.hasSuffix(".") ? lowered.dropLast() : Substring(lowered)).split(
                separator: ".", omittingEmptySubsequences: false)
        }
        let wanted = labels(reference)
        guard !wanted.isEmpty, wanted.allSatisfy({ !$0.isEmpty }) else { return false }
        return dnsNames.contains { presented in
            let candidate = labels(presented)
            guard candidate.count == wanted.count, candidate.allSatisfy({ !$0.isEmpty }) else { return false }
            if candidate[0] == "*" {
                guard candidate.count >= 3 else { return false }
                return candidate.dropFirst() == wanted.dropFirst()
            }
            return candidate == wanted
        }
    }
}

/// Completes its promise when the TLS handshake has finished, with what the check needs, read on
/// the event loop at that moment (the connection may be closed by the time an awaiting task
/// runs); or with the first error.
private final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    struct Peer: Sendable {
        /// The leaf's DER, when the server sent one.
        var certificate: [UInt8]?
        var address: String
    }

    private let handshake: EventLoopPromise<Peer>

    init(_ handshake: EventLoopPromise<Peer>) { self.handshake = handshake }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            let leaf = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            let certificate = leaf.flatMap { try? $0.toDERBytes() }
            if let address = context.channel.remoteAddress?.ipAddress {
                handshake.succeed(Peer(certificate: certificate, address: address))
            } else {
                handshake.fail(ChannelError.ioOnClosedChannel)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A promise keeps its first result; later ones are ignored.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handshake.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
