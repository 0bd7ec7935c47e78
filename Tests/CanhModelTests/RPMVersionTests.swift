import CanhModel
import Foundation
import TestSupport
import Testing

/// rpm version order against rpm itself (`rpm.vercmp` in rpm's Lua), on the forms that trip
/// naive comparisons: epochs, tildes and carets, letters against digits, leading zeros,
/// separators, RHEL's `elN_M` releases.
@Suite struct RPMVersionTests {
    static let versions = [
        "1.0", "1.0-1", "1:0.9", "0:1.0", "1.0~rc1", "1.0~rc1-1", "1.0~~", "1.0~", "1.0^", "1.0^git1", "1.0^git1~pre", "1.0.1",
        "1.00", "1.0a", "1.0-10", "1.0-9", "1.0_1", "1.0+1", "1.0.a", "1.a", "a", "2.34-100.el9_4.2", "2.34-100.el9_4.10",
        "2.34-100.el9", "3.0.7-25.el9_3", "1:3.0.7-24.el9", "1:3.0.7-25.el9_3", "5.14.0-427.13.1.el9_4", "5.14.0-70.13.1.el9_0",
        "1.9.5p2-10.el9", "1.9.5p2-10.el9~beta1", "8.7p1-38.el9_4.1", "0.9.8-0.1.beta", "0.9.8-1", "2023.2.62_v7.0.401-4.el9",
    ]

    @Test("every pair compares as rpm compares it (one rpm run)")
    func ordersAsRPM() async throws {
        let parsed = Self.versions.map(RPMVersion.init)
        // rpm.vercmp compares EVR strings: epoch, version, release, as rpmVersionCompare does.
        let pairs = parsed.flatMap { a in parsed.map { b in (a, b) } }
        let lua = pairs.map { a, b in "print(rpm.vercmp('\(a)', '\(b)') .. ',')" }.joined(separator: " ")
        let result = try await ProcessRunner.run("/usr/bin/rpm", ["--eval", "%{lua: \(lua)}"])
        #expect(result.status == 0, "\(result.standardError)")
        // rpm's Lua print adds no newline.
        let answers = result.standardOutput.split(separator: ",").filter { !$0.allSatisfy(\.isWhitespace) }.map {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try #require(answers.count == pairs.count, "rpm printed \(result.standardOutput.prefix(200))")
        var disagreements: [String] = []
        for ((a, b), answer) in zip(pairs, answers) {
            let ours = a < b ? -1 : (a == b ? 0 : 1)
            if ours != answer { disagreements.append("\(a) vs \(b): rpm \(answer.map(String.init) ?? "?"), ours \(ours)") }
        }
        #expect(disagreements == [])
        #expect(RPMVersion("1.0~rc1") < RPMVersion("1.0"))
        #expect(RPMVersion("1.0^git1") > RPMVersion("1.0"))
        #expect(RPMVersion("1:0.9") > RPMVersion("9.9"))
    }
}
