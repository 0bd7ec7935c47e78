import Alerts
import CanhModel
import Foundation
import GRDB

/// Group commit for ingest: batches that arrive while a transaction is being written wait and
/// are then committed together, in one transaction with one sync to disk, each inside its own
/// savepoint so that one failing batch does not take the others with it. Every batch is
/// answered only once its transaction is durable, so an acknowledgement always means "stored".
actor IngestCommitter {
    struct Batch: Sendable {
        var records: [IngestRecord]
        var certificates: [CertificateRecord]
        var host: EnrolledHost
        var time: Timestamp
    }

    private struct Waiting {
        var batch: Batch
        var continuation: CheckedContinuation<IngestSummary, any Error>
    }

    private let pool: DatabasePool
    private let routing: AlertRouting
    private let ruleTitles: [String: LocalizedText]
    private var waiting: [Waiting] = []
    private var writing = false
    /// Records per transaction at most, so one commit stays short.
    private let recordsPerTransaction = 20_000

    init(pool: DatabasePool, routing: AlertRouting, ruleTitles: [String: LocalizedText]) {
        self.pool = pool
        self.routing = routing
        self.ruleTitles = ruleTitles
    }

    func commit(_ batch: Batch) async throws(StoreError) -> IngestSummary {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                waiting.append(Waiting(batch: batch, continuation: continuation))
                if !writing {
                    writing = true
                    Task { await drain() }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database("\(error)")
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            var taken: [Waiting] = []
            var records = 0
            while let next = waiting.first, taken.isEmpty || records + next.batch.records.count <= recordsPerTransaction {
                taken.append(waiting.removeFirst())
                records += next.batch.records.count
            }
            let batches = taken.map(\.batch)
            do {
                let routing = self.routing
                let ruleTitles = self.ruleTitles
                let results = try await pool.write { db in
                    batches.map { batch -> Result<IngestSummary, StoreError> in
                        var result: Result<IngestSummary, StoreError> = .failure(.database("not applied"))
                        do {
                            try db.inSavepoint {
                                result = .success(try SQLiteCollectorStore.apply(batch, routing: routing, ruleTitles: ruleTitles, in: db))
                                return .commit
                            }
                        } catch let error as StoreError {
                            result = .failure(error)
                        } catch {
                            result = .failure(.database("\(error)"))
                        }
                        return result
                    }
                }
                for (waiter, result) in zip(taken, results) { waiter.continuation.resume(with: result) }
            } catch {
                for waiter in taken { waiter.continuation.resume(throwing: StoreError.database("\(error)")) }
            }
        }
        writing = false
    }
}
