import CanhModel
import Glibc
import Rules

/// An `EntryMatcher` compiled against a field table: field tests by index, the PCRE2 pattern,
/// capture types and conditions resolved at one level.
final class CompiledMatcher {
    enum FieldTest {
        case oneOf([[UInt8]])
        case numberIn(ClosedRange<Int>)
    }

    let fieldTests: [(index: Int, test: FieldTest)]
    let pattern: Pattern?
    let messageIndex: Int
    /// Named groups of the pattern with their type.
    let captureGroups: [(name: String, number: Int, type: CaptureType)]
    /// Their names, in the same order, shared by every match's captures.
    private let captureNameList: [String]
    let conditions: [(capture: String, isMember: Bool, values: Set<String>)]
    /// The identifiers this matcher requires, if it constrains SYSLOG_IDENTIFIER (for routing).
    let identifiers: [[UInt8]]?
    /// How much a matching entry counts toward a threshold.
    let weight: Int
    /// The matcher's position among its rule's alternatives (of its role).
    let alternative: Int
    /// The bytes MESSAGE can begin with for the pattern to match; nil when any can.
    private let firstBytes: ByteSet?

    init(_ matcher: EntryMatcher, table: inout FieldTable, resolver: ParameterResolver, alternative: Int) throws(RuleFileProblem) {
        self.alternative = alternative
        var tests: [(Int, FieldTest)] = []
        var identifiers: [[UInt8]]?
        for condition in matcher.fields {
            let index = table.index(adding: condition.field)
            switch condition.test {
            case .oneOf(let values):
                let bytes = values.map { Array($0.utf8) }
                tests.append((index, .oneOf(bytes)))
                if condition.field == FieldTable.identifier { identifiers = bytes }
            case .numberIn(let range):
                tests.append((index, .numberIn(range)))
            }
        }
        // Cheap exact comparisons first, the identifier (most selective) before the others.
        fieldTests = tests.sorted { lhs, rhs in lhs.0 == table.identifierIndex && rhs.0 != table.identifierIndex }
        self.identifiers = identifiers
        messageIndex = table.messageIndex

        var groups: [(String, Int, CaptureType)] = []
        if let source = matcher.message {
            do {
                let compiled = try Pattern(source.source)
                pattern = compiled
                groups = compiled.namedGroups.map { ($0.name, $0.number, matcher.captureTypes[$0.name] ?? .text) }
            } catch {
                throw RuleFileProblem(
                    location: source.location, field: source.path,
                    message: "invalid regular expression at byte \(error.offset): \(error.message)")
            }
        } else {
            pattern = nil
        }
        captureGroups = groups
        captureNameList = groups.map(\.0)
        firstBytes = pattern?.firstBytes
        let names = Set(groups.map(\.0))
        for name in matcher.captureTypes.keys.sorted() where !names.contains(name) {
            throw RuleFileProblem(
                location: matcher.location, field: "\(matcher.path).captures.\(name)",
                message: "the message pattern has no named group (?<\(name)>…)")
        }
        var conditions: [(String, Bool, Set<String>)] = []
        for condition in matcher.captureConditions {
            guard names.contains(condition.capture) else {
                throw RuleFileProblem(
                    location: condition.location, field: "\(matcher.path).where.\(condition.capture)",
                    message: "the message pattern has no named group (?<\(condition.capture)>…)")
            }
            conditions.append((condition.capture, condition.isMember, Set(try resolver.list(condition.values))))
        }
        self.conditions = conditions
        weight = try matcher.weight.map(resolver.int) ?? 1
    }

    /// The names of the captures this matcher can produce.
    var captureNames: Set<String> { Set(captureGroups.map(\.name)) }

    /// The entry's captures if it matches, else nil.
    /// - Parameter buffer: the event's bytes, from `JournalEvent.withUnsafeBytes`.
    @inline(__always)
    func match(_ event: JournalEvent, in buffer: UnsafeBufferPointer<UInt8>) -> Captures? {
        // The cheapest refusal first: a message that cannot begin a match of an anchored pattern.
        if let firstBytes, let range = event.range(at: messageIndex), !range.isEmpty, !firstBytes.contains(buffer[range.lowerBound]) {
            return nil
        }
        for (index, test) in fieldTests {
            guard let range = event.range(at: index), Self.passes(UnsafeBufferPointer(rebasing: buffer[range]), test) else {
                return nil
            }
        }
        guard let pattern else { return Captures() }
        guard let messageRange = event.range(at: messageIndex) else { return nil }
        let message = UnsafeBufferPointer(rebasing: buffer[messageRange])
        guard pattern.matches(message) else { return nil }

        var values: [Captures.Value] = []
        values.reserveCapacity(captureGroups.count)
        for group in captureGroups {
            let range = pattern.range(ofGroup: group.number)
            var normalized: String?
            if group.type != .text {
                // Text in an address position that is not an address means the line is not what it seems.
                guard let range else { return nil }
                let text = UnsafeBufferPointer(rebasing: message[range])
                guard let address = AddressNormalizer.normalize(text) ?? (group.type == .source ? AddressNormalizer.hostName(text) : nil)
                else { return nil }
                normalized = address
            }
            values.append(
                .init(
                    range: range.map { $0.lowerBound + messageRange.lowerBound..<$0.upperBound + messageRange.lowerBound },
                    normalized: normalized))
        }
        let captures = Captures(bytes: event.bytes, names: captureNameList, values: values)
        for condition in conditions {
            let isMember = captures[condition.capture].map(condition.values.contains) ?? false
            guard isMember == condition.isMember else { return nil }
        }
        return captures
    }

    @inline(__always)
    private static func passes(_ value: UnsafeBufferPointer<UInt8>, _ test: FieldTest) -> Bool {
        switch test {
        case .oneOf(let candidates):
            return candidates.contains { bytesEqual(value, $0) }
        case .numberIn(let range):
            guard !value.isEmpty, value.count <= 18 else { return false }
            var number = 0
            for byte in value {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return range.contains(number)
        }
    }
}

/// Byte equality without generic iteration: lengths first, then memcmp.
@inline(__always)
func bytesEqual(_ value: UnsafeBufferPointer<UInt8>, _ array: [UInt8]) -> Bool {
    guard value.count == array.count else { return false }
    return array.withUnsafeBufferPointer { other in
        guard let left = value.baseAddress, let right = other.baseAddress else { return value.count == other.count }
        return memcmp(left, right, value.count) == 0
    }
}
