import Testing

@testable import Engine

/// The first-byte prefilter asks PCRE2 which bytes can start a match of an anchored pattern;
/// a byte it leaves out must really never start a match, or the engine would miss entries.
@Suite struct PatternPrefilterTests {
    private func firstBytes(_ source: String) throws -> Set<UInt8>? {
        let pattern = try Pattern(source)
        guard let set = pattern.firstBytes else { return nil }
        return Set((0...255).map(UInt8.init).filter(set.contains))
    }

    @Test("anchored patterns: literals, alternations and caseless groups give exactly their first bytes")
    func anchored() throws {
        #expect(try firstBytes("^Failed (?<method>password) for") == [UInt8(ascii: "F")])
        #expect(
            try firstBytes("^(?:Connection closed by|Disconnected from) (?<user>.*)$") == [UInt8(ascii: "C"), UInt8(ascii: "D")])
        #expect(try firstBytes("^(?i:failed)") == [UInt8(ascii: "F"), UInt8(ascii: "f")])
        #expect(try firstBytes(#"^\s*(?<user>[^\s:]+) : "#)?.contains(UInt8(ascii: " ")) == true)
        #expect(try firstBytes(#"^\s*(?<user>[^\s:]+) : "#)?.contains(UInt8(ascii: ":")) == false)
    }

    @Test("unanchored patterns and patterns any byte can start are not filtered")
    func unfiltered() throws {
        #expect(try firstBytes("Failed password") == nil)
        #expect(try firstBytes("(?s)^(?=.*Failed)") == nil)
        #expect(try firstBytes("(?s)^.*x") == nil)
        // Without (?s), "." is not a newline: even "^.*x" cannot start with one.
        #expect(try firstBytes("^.*x")?.contains(10) == false)
    }

    @Test("for every byte the filter refuses, PCRE2 finds no match of a subject starting with it")
    func refusalsAreSound() throws {
        for source in [
            "^Failed (?<m>password|keyboard-interactive(?:/[a-z]+)?) for", "^(?:pam_unix|pam_sss)\\(sshd:auth\\)", "^[0-9a-f]{4}$",
        ] {
            let pattern = try Pattern(source)
            let set = try #require(pattern.firstBytes)
            for byte in (0...255).map(UInt8.init) where !set.contains(byte) {
                let subject: [UInt8] = [byte] + Array("Failed password for pam_unix(sshd:auth) 0a1b".utf8)
                #expect(!subject.withUnsafeBufferPointer { pattern.matches($0) }, "\(source) on \(byte)")
            }
        }
    }
}
