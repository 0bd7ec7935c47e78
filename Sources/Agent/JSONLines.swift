public import CanhModel

/// Finding records as JSON Lines (SPEC §5), encoded on every core: a certificate scan of a large
/// store produces tens of thousands of records at once.
public enum JSONLines {
    public static func render(_ records: [FindingRecord]) -> [String] {
        guard records.count > 1_000 else { return records.map(\.jsonLine) }
        let sliceSize = records.count / ParallelMap.cores + 1
        let slices = stride(from: 0, to: records.count, by: sliceSize).map { Array(records[$0..<min($0 + sliceSize, records.count)]) }
        return ParallelMap.map(slices, concurrency: ParallelMap.cores) { $0.map(\.jsonLine) }.flatMap { $0 }
    }
}
