internal import CPCRE2

/// A compiled PCRE2 regular expression, JIT-compiled where the platform allows, matching bytes.
///
/// Journal values may be invalid UTF-8, so patterns run in byte mode (no PCRE2_UTF): `\S`, `.`
/// and classes see bytes, and no input can make a match fail with an encoding error.
/// `$` matches only at the very end (PCRE2_DOLLAR_ENDONLY), so a trailing newline cannot
/// satisfy a pattern anchored on the daemon's own suffix.
///
/// A match that PCRE2 gives up (its match limit, or the JIT stack, reached by a pathological
/// pattern and subject) is not a match, but it is counted in `limitHits`: a detection rule that
/// silently stops matching is a hole in monitoring, so the engine reports it.
///
/// Not `Sendable`: the match data is reused between calls. Each engine owns its patterns.
final class Pattern {
    /// Backtracking steps one match may take: about 5 ms of JIT matching here; a real log line
    /// needs a few hundred.
    static let matchLimit: UInt32 = 1_000_000
    /// Enough JIT stack for nested groups over the longest value the reader passes (1 MiB).
    static let jitStackBytes = 1 << 20

    struct CompileError: Error {
        var message: String
        /// Byte offset in the pattern where PCRE2 stopped.
        var offset: Int
    }

    private let code: OpaquePointer
    private let matchData: OpaquePointer
    private let matchContext: OpaquePointer?
    private let jitStack: OpaquePointer?
    private let usesJIT: Bool
    /// Matches that ended in an error (a limit) rather than a yes or no.
    private(set) var limitHits = 0
    /// Named groups and their group numbers, in the order they appear.
    let namedGroups: [(name: String, number: Int)]
    /// For a pattern anchored at the start, the bytes a non-empty subject can begin with; nil
    /// when any can. Lets the engine skip a pattern on most entries with one table lookup.
    let firstBytes: ByteSet?

    init(_ source: String) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(source.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, UInt32(PCRE2_DOLLAR_ENDONLY), &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        guard let data = pcre2_match_data_create_from_pattern_8(compiled, nil) else {
            pcre2_code_free_8(compiled)
            throw CompileError(message: "PCRE2 could not allocate match data", offset: 0)
        }
        code = compiled
        matchData = data
        usesJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        namedGroups = Self.readNamedGroups(compiled)
        firstBytes = Self.firstBytes(of: compiled, matchData: data)
        matchContext = pcre2_match_context_create_8(nil)
        jitStack = usesJIT ? pcre2_jit_stack_create_8(32 << 10, Self.jitStackBytes, nil) : nil
        if let matchContext {
            pcre2_set_match_limit_8(matchContext, Self.matchLimit)
            if let jitStack { pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack)) }
        }
    }

    deinit {
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        if let matchContext { pcre2_match_context_free_8(matchContext) }
        pcre2_match_data_free_8(matchData)
        pcre2_code_free_8(code)
    }

    /// Matches the whole buffer. After a match, `range(ofGroup:)` reads the groups.
    @inline(__always)
    func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = subject.baseAddress else {
            // An empty buffer may have no address; PCRE2 needs one even for length 0.
            var empty: UInt8 = 0
            return withUnsafePointer(to: &empty) { run($0, length: 0) }
        }
        return run(base, length: subject.count)
    }

    @inline(__always)
    private func run(_ base: UnsafePointer<UInt8>, length: Int) -> Bool {
        let status =
            usesJIT
            ? pcre2_jit_match_8(code, base, length, 0, 0, matchData, matchContext)
            : pcre2_match_8(code, base, length, 0, 0, matchData, matchContext)
        if status < PCRE2_ERROR_NOMATCH { limitHits &+= 1 }
        return status > 0
    }

    /// The byte range of group `number` in the last matched subject, nil if it did not take part.
    func range(ofGroup number: Int) -> Range<Int>? {
        guard number < Int(pcre2_get_ovector_count_8(matchData)), let vector = pcre2_get_ovector_pointer_8(matchData) else {
            return nil
        }
        let start = vector[2 * number]
        let end = vector[2 * number + 1]
        guard start != canh_pcre2_unset(), end != canh_pcre2_unset(), start <= end else { return nil }
        return start..<end
    }

    /// Asks PCRE2 itself, by partial matching of each one-byte subject, which first bytes can
    /// lead to a match: exact for any anchored pattern (alternations, classes, caseless
    /// groups, lookaheads), where deriving it from the pattern's text would not be.
    private static func firstBytes(of code: OpaquePointer, matchData: OpaquePointer) -> ByteSet? {
        var options: UInt32 = 0
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_ALLOPTIONS), &options) == 0, options & UInt32(PCRE2_ANCHORED) != 0 else {
            return nil
        }
        var set = ByteSet()
        for byte in 0...255 {
            var subject = UInt8(byte)
            let status = pcre2_match_8(code, &subject, 1, 0, UInt32(PCRE2_PARTIAL_SOFT), matchData, nil)
            // A match, a partial match, or an error (a limit): the byte may start a match.
            if status != PCRE2_ERROR_NOMATCH { set.insert(UInt8(byte)) }
        }
        return set.count == 256 ? nil : set
    }

    private static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(errorCode, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(errorCode)" }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }

    private static func readNamedGroups(_ code: OpaquePointer) -> [(name: String, number: Int)] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count) == 0, count > 0,
            pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize) == 0,
            pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table) == 0, let table
        else { return [] }
        // Each entry: a 2-byte big-endian group number, then the NUL-terminated name.
        let groups = (0..<Int(count)).map { index in
            let entry = table + index * Int(entrySize)
            let number = Int(entry[0]) << 8 | Int(entry[1])
            let name = String(cString: UnsafeRawPointer(entry + 2).assumingMemoryBound(to: CChar.self))
            return (name: name, number: number)
        }
        return groups.sorted { $0.number < $1.number }
    }
}

/// A set of bytes as a 256-bit map.
struct ByteSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    private(set) var count = 0

    mutating func insert(_ byte: UInt8) {
        guard !contains(byte) else { return }
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
        count += 1
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
