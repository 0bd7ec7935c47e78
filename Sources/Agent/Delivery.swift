public import AgentSpool
import CanhModel
public import CollectorClient

/// Sends what the spool holds to the collector, oldest first, and forgets each batch only once the
/// collector has acknowledged it (stored it). A batch that fails stays in the spool and is sent
/// again; its record ids make the re-send harmless.
public struct Delivery: Sendable {
    private let spool: Spool
    private let client: CollectorClient
    private let batchSize: Int

    public init(spool: Spool, client: CollectorClient, batchSize: Int = 500) {
        self.spool = spool
        self.client = client
        self.batchSize = batchSize
    }

    /// Sends batches until the spool is empty; returns how many records the collector accepted
    /// or already had. Throws at the first batch that is not acknowledged.
    ///
    /// A batch the collector refuses for its content (400, 413, 422: one bad record refuses the
    /// whole batch) is sent again record by record, and a record refused on its own is taken out
    /// of the spool and tallied for a finding, so that one bad record cannot block delivery for
    /// ever. Any other refusal (this agent revoked, the collector overloaded) keeps everything.
    public func deliverPending() async throws(DeliveryError) -> Int {
        var delivered = 0
        while true {
            let pending: [Spool.Pending]
            do { pending = try spool.pending(limit: batchSize) } catch { throw .spool(error) }
            guard !pending.isEmpty else { return delivered }
            do {
                delivered += try await send(pending)
            } catch .collector(let error) where Self.refusesContent(error) {
                for record in pending {
                    do {
                        delivered += try await send([record])
                    } catch .collector(let error) where Self.refusesContent(error) {
                        do { try spool.reject(record.sequence, reason: error.description) } catch { throw .spool(error) }
                    }
                }
            }
        }
    }

    /// Sends one batch and forgets it once acknowledged.
    private func send(_ records: [Spool.Pending]) async throws(DeliveryError) -> Int {
        let summary: IngestSummary
        do { summary = try await client.deliver(batchBody: CollectorClient.batchBody(encoded: records.map(\.json))) } catch {
            throw .collector(error)
        }
        do { try spool.acknowledge(records.map(\.sequence)) } catch { throw .spool(error) }
        return summary.accepted + summary.duplicates
    }

    private static func refusesContent(_ error: CollectorClientError) -> Bool {
        [400, 413, 422].contains(error.status)
    }
}

/// Why a delivery stopped.
public enum DeliveryError: Error, Sendable, CustomStringConvertible {
    case spool(SpoolError)
    case collector(CollectorClientError)

    public var description: String {
        switch self {
        case .spool(let error): "\(error)"
        case .collector(let error): "\(error)"
        }
    }
}

/// How long to wait after failed deliveries: exponential, capped, with full jitter, so that a
/// province's agents do not all retry at the same moment after the collector comes back.
public struct Backoff: Sendable {
    public var first: Duration
    public var maximum: Duration

    public init(first: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.first = first
        self.maximum = maximum
    }

    /// The wait after `failures` failures in a row (1 or more): a random time up to
    /// `first · 2^(failures-1)`, never more than `maximum`.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        ceiling(afterFailures: failures) * Double.random(in: 0..<1, using: &generator)
    }

    /// The longest wait after `failures` failures in a row.
    public func ceiling(afterFailures failures: Int) -> Duration {
        min(first * (1 << min(max(failures - 1, 0), 30)), maximum)
    }
}
