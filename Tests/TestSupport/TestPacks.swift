import Foundation

/// Rule packs for tests: the repository's pack with a rule added.
public enum TestPacks {
    /// A message on which `test.backtracking`'s pattern backtracks exponentially: a run of a's
    /// that does not end in one. PCRE2 gives up on it instead of answering.
    public static let backtrackingMessage = String(repeating: "a", count: 40) + "b"

    /// The repository's pack plus `test.backtracking` (identifier `slowapp`), whose pattern
    /// `^(?<word>(a+)+)$` matches short words of a's and gives up on `backtrackingMessage`.
    public static func withBacktrackingRule(in directory: TemporaryDirectory) throws -> String {
        let pack = directory.file("rules")
        try FileManager.default.copyItem(atPath: ProcessRunner.repositoryRoot + "/rules", toPath: pack)
        try """
        rules:
          - id: test.backtracking
            type: event
            severity: low
            levels: [1, 2, 3, 4, 5]
            requirements: [ND85-SRV-MAL-01]
            title: {vi: Thử nghiệm, en: Backtracking}
            remediation: {vi: Sửa, en: Fix}
            match:
              fields: {SYSLOG_IDENTIFIER: slowapp}
              message: '^(?<word>(a+)+)$'
            entity: word
            tests:
              - name: a short word matches
                entries: [{SYSLOG_IDENTIFIER: slowapp, MESSAGE: aaa}]
                expect: [{entity: aaa}]
              - name: a long run of a's ending in b does not
                entries: [{SYSLOG_IDENTIFIER: slowapp, MESSAGE: \(backtrackingMessage)}]
                expect: []
        """.write(toFile: pack + "/journal/backtracking.yaml", atomically: true, encoding: .utf8)
        return pack
    }
}
