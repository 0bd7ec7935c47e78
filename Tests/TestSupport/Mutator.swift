import Foundation

/// Deterministic mutations of valid inputs, for fuzzing the parsers that read what others write
/// (record batches, configuration files, rule files) inside the test suite: the same seed gives
/// the same inputs on every run, so a failure names the seed and iteration that reproduce it.
public struct Mutator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    /// `input` after one to four edits: a flipped bit, a deleted, duplicated or overwritten span,
    /// an inserted token of the format (a quote, a bracket, a huge number, a control character),
    /// a truncation, or a span of another input spliced in.
    public mutating func mutate(_ input: [UInt8], tokens: [[UInt8]], others: [[UInt8]] = []) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            let position = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty:
                let index = min(position, bytes.count - 1)
                bytes[index] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                let end = min(bytes.count, position + 1 + below(16))
                bytes.removeSubrange(min(position, bytes.count)..<end)
            case 2 where !bytes.isEmpty:
                let start = min(position, bytes.count - 1)
                let span = bytes[start..<min(bytes.count, start + 1 + below(64))]
                bytes.insert(contentsOf: span, at: below(bytes.count + 1))
            case 3 where !tokens.isEmpty:
                bytes.insert(contentsOf: tokens[below(tokens.count)], at: position)
            case 4:
                bytes.removeSubrange(position..<bytes.count)
            case 5 where !others.isEmpty:
                let other = others[below(others.count)]
                guard !other.isEmpty else { continue }
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(128))], at: position)
            default:
                let index = min(position, max(bytes.count - 1, 0))
                if !bytes.isEmpty { bytes[index] = UInt8(truncatingIfNeeded: next()) }
            }
        }
        return bytes
    }

    /// How many inputs a fuzz test makes: `CANH_FUZZ_ITERATIONS` when set (for longer runs,
    /// `scripts/fuzz`), else `standard`, which keeps the suite's run short.
    public static func iterations(standard: Int) -> Int {
        ProcessInfo.processInfo.environment["CANH_FUZZ_ITERATIONS"].flatMap(Int.init) ?? standard
    }

    /// The seed of a fuzz run: `CANH_FUZZ_SEED` when set, else a fixed one, so CI is repeatable.
    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["CANH_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x43_61_6E_68
    }

    /// Tokens that break or stretch most text formats.
    public static let commonTokens: [[UInt8]] =
        [
            "\"", "\\", "{", "}", "[", "]", ":", ",", "=", "\n", "\r\n", "\u{0}", "\u{1b}[2J", "\u{202e}", "99999999999999999999999",
            "-9223372036854775809", "1e999", "\\u0000", "\\ud800", "true", "null", "#", "'", "'''", "\"\"\"", "*", "&a", "!!binary",
            "%", "\t", String(repeating: "a", count: 300), "\u{FEFF}", "é", "\u{10FFFF}",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80]]
}
