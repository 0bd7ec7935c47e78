import CanhModel
import Testing

@testable import Reports

/// The evidence a requirement lists is its first findings in evidence order; they are chosen
/// without sorting all of them, and must be exactly the ones a sort would give.
@Suite struct EvidenceOrderTests {
    @Test("the first findings chosen are those of a full sort, in its order", arguments: [0, 1, 5, 20, 300])
    func sameAsSorting(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let statuses = FindingStatus.allCases
        let findings = (0..<257).map { index in
            FindingState(
                fingerprint: String(index * 7919 % 1000), rule: "r", entity: "e\(index)", host: "h", system: "s",
                severity: Severity.allCases[Int.random(in: 0..<Severity.allCases.count, using: &generator)],
                status: statuses[Int.random(in: 0..<statuses.count, using: &generator)],
                outcome: Bool.random(using: &generator) ? .fail : .pass, count: 1, firstSeen: Timestamp(secondsSinceEpoch: 0),
                lastSeen: Timestamp(secondsSinceEpoch: Int64.random(in: 0...20, using: &generator)), requirements: [],
                title: LocalizedText(vi: "", en: ""), evidence: "{}")
        }
        let chosen = ComplianceEvaluation.firstEvidence(findings, count: count).map(\.fingerprint)
        let sorted = findings.sorted(by: ComplianceEvaluation.evidenceOrder).prefix(count).map(\.fingerprint)
        #expect(chosen == Array(sorted))
    }
}
