import Alerts
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// POSTs each message as JSON. `X-Canh-Signature: sha256=HEX` is the HMAC-SHA256 of the body
/// under the channel's secret, so the receiver knows it came from this collector; `X-Canh-Key`
/// is the idempotency key, the same on every retry.
struct WebhookSender: AlertSender {
    let webhook: AlertChannel.Webhook
    private let tls: TLSConfiguration?

    init(_ webhook: AlertChannel.Webhook) throws(DeliveryError) {
        guard let url = URL(string: webhook.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .configuration("webhook url \(webhook.url) is not an http:// or https:// URL")
        }
        self.webhook = webhook
        // Without a CA of its own, the webhook gets AsyncHTTPClient's defaults, as before.
        tls = try webhook.caFile.map { caFile throws(DeliveryError) in try StreamConnection.tlsConfiguration(caFile: caFile) }
    }

    static func signature(of body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    static func body(of message: AlertMessage) throws(DeliveryError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(message)) } catch { throw .configuration("cannot encode the alert: \(error)") }
    }

    func send(_ message: AlertMessage) async throws(DeliveryError) {
        let body = try Self.body(of: message)
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "canh-collector")
        request.headers.add(name: "X-Canh-Key", value: message.key)
        request.headers.add(name: "X-Canh-Signature", value: Self.signature(of: body, secret: webhook.secret))
        request.body = .bytes(body)
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(20))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<HTTPClientResponse, DeliveryError>
        do {
            outcome = .success(try await client.execute(request, timeout: .seconds(30)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            outcome = .failure(.timedOut(webhook.url))
        } catch let error as NIOSSLError {
            outcome = .failure(.tls(webhook.url, DeliveryError.explain(error)))
        } catch {
            outcome = .failure(.unreachable(webhook.url, "\(error)"))
        }
        let answer: String
        switch outcome {
        case .success(let response):
            answer = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
        case .failure: answer = ""
        }
        try? await client.shutdown()
        let response = try outcome.get()
        guard (200..<300).contains(response.status.code) else {
            throw .refused(webhook.url, "HTTP \(response.status.code) \(answer.prefix(200))")
        }
    }
}
