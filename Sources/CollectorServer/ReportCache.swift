import CanhModel
import Reports

/// The latest evaluations, by digest, so that a client can ask for one evaluation in every
/// format (`?digest=…`): a reviewer matches a PDF to its JSON by the digest both carry, and a
/// report evaluated again a second later may differ. Bounded: the oldest are forgotten.
actor ReportCache {
    enum Entry: Sendable {
        case compliance(SealedReport<ComplianceReport>)
        case coverage(SealedReport<CoverageReport>)
        case annual(SealedReport<AnnualReport>)
    }

    private let capacity: Int
    private var entries: [(digest: String, entry: Entry)] = []

    init(capacity: Int = 16) { self.capacity = capacity }

    func remember(_ entry: Entry, digest: String) {
        entries.removeAll { $0.digest == digest }
        entries.append((digest, entry))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    func entry(digest: String) -> Entry? { entries.last { $0.digest == digest }?.entry }
}
