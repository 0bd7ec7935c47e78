import Alerts
import CanhModel
import CollectorStore
import PostgresStore
import TestSupport
import Testing

/// The stores one contract holds for: every test given a `StoreKind` runs on both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A new, empty store: a file in `directory`, or a new database in the test process's
    /// PostgreSQL cluster, migrated.
    func makeStore(
        in directory: TemporaryDirectory, alertRouting: AlertRouting = AlertRouting(rules: []),
        ruleTitles: [String: LocalizedText] = [:]
    ) async throws -> any CollectorStore {
        switch self {
        case .sqlite:
            return try SQLiteCollectorStore(path: directory.file("canh.sqlite"), alertRouting: alertRouting, ruleTitles: ruleTitles)
        case .postgres:
            let cluster = try await PostgresCluster.shared()
            let location = try await PostgresLocation(url: try cluster.database(), password: cluster.password)
            _ = try await PostgresCollectorStore.migrate(location)
            return try await PostgresCollectorStore(location: location, alertRouting: alertRouting, ruleTitles: ruleTitles)
        }
    }
}
