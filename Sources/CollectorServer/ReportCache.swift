import CanhModel
import Reports

/// The latest evaluations, by digest, so that a client can ask for one evaluation in every
/// format (`?digest=…`): a reviewer matches a PDF to its JSON by the digest both carry, and a
/// report evaluated again a second later may differ. Bounded in count and in bytes (a province's
/// compliance report runs to megabytes): the oldest are forgotten first.
actor ReportCache {
    enum Entry: Sendable {
        case compliance(SealedReport<ComplianceReport>)
        case coverage(SealedReport<CoverageReport>)
        case annual(SealedReport<AnnualReport>)

        /// The size of its canonical JSON, which stands for what it holds in memory.
        var bytes: Int {
            switch self {
            case .compliance(let sealed): sealed.canonicalJSON.count
            case .coverage(let sealed): sealed.canonicalJSON.count
            case .annual(let sealed): sealed.canonicalJSON.count
            }
        }
    }

    private let capacity: Int
    private let byteBudget: Int
    private var entries: [(digest: String, entry: Entry)] = []

    init(capacity: Int = 16, byteBudget: Int = 64 << 20) {
        self.capacity = capacity
        self.byteBudget = byteBudget
    }

    func remember(_ entry: Entry, digest: String) {
        entries.removeAll { $0.digest == digest }
        entries.append((digest, entry))
        while entries.count > 1, entries.count > capacity || entries.reduce(0, { $0 + $1.entry.bytes }) > byteBudget {
            entries.removeFirst()
        }
    }

    func entry(digest: String) -> Entry? { entries.last { $0.digest == digest }?.entry }
}
