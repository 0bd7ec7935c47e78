import CanhModel
import TestSupport
import Testing

/// The record batch reader is the first code to touch what any enrolled agent sends. Mutations
/// of valid batches must each be read, or refused with a message that names where; and whatever
/// is read must write back and read again as the same records.
@Suite struct RecordBatchFuzzTests {
    static func corpus() -> [[UInt8]] {
        let evidence = Evidence([
            ("user", .text("root")), ("src_ip", .text("198.51.100.7")), ("count", .number(7)),
            ("places", .list(["/etc/ssl/a.pem", "portal:443@portal.hungyen.gov.vn"])), ("sample", .text("Tên \"đăng\" nhập\\ \u{1}")),
        ])
        let records = ["auth.ssh.bruteforce", "tls.cert.expiring", "log.coverage.gap"].enumerated().map { index, rule in
            let fingerprint = FindingRecord.fingerprint(host: "web01", rule: rule, entity: "e\(index)")
            return FindingRecord(
                id: FindingRecord.id(fingerprint: fingerprint, outcome: .fail, trigger: "t\(index)"), fingerprint: fingerprint, rule: rule,
                outcome: index == 1 ? .pass : .fail, severity: .high, level: Level.all[2], requirements: ["ND85-SRV-AUTH-02"],
                host: "web01", entity: "e\(index)", time: .at("2026-11-22T03:14:15Z"),
                firstSeen: index == 0 ? .at("2026-11-22T03:10:02Z") : nil, count: index + 1,
                title: LocalizedText(vi: "Dò mật khẩu", en: "Brute force"), evidence: evidence)
        }
        let batch = "{\"records\":[" + records.map(\.jsonLine).joined(separator: ",") + "]}"
        return [Array(batch.utf8), Array("{\"records\":[]}".utf8), Array(records[0].jsonLine.utf8)]
    }

    @Test("mutated batches are read or refused naming the place, never crash, and what is read round-trips")
    func mutatedBatches() {
        let corpus = Self.corpus()
        var mutator = Mutator(seed: Mutator.seed)
        var read = 0
        for iteration in 0..<Mutator.iterations(standard: 20_000) {
            let input = mutator.mutate(corpus[mutator.below(corpus.count)], tokens: Mutator.commonTokens, others: corpus)
            do {
                let records = try RecordBatchReader.records(from: input)
                read += 1
                for record in records {
                    let again = try FindingRecord(jsonLine: record.jsonLine)
                    #expect(again == record, "seed \(Mutator.seed) iteration \(iteration): \(record.jsonLine)")
                }
            } catch {
                #expect(!error.reason.isEmpty, "seed \(Mutator.seed) iteration \(iteration)")
                #expect(error.field.isEmpty || error.field.hasPrefix("records"), "seed \(Mutator.seed) iteration \(iteration): \(error)")
            }
        }
        #expect(read > 0, "some mutations stay valid, so the round trip was exercised")
    }
}
