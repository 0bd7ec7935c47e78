import CanhModel

/// Named values captured from one entry's message, in the order the pattern declares them.
///
/// Most matching entries never make a rule fire, so values are decoded only when asked for:
/// a capture is a range in the entry's bytes. Typed captures (addresses) are validated and
/// normalised when the entry matches, because an invalid one means the entry does not match.
struct Captures {
    private struct Slot {
        let name: String
        let range: Range<Int>?
        let normalized: String?
    }

    private let bytes: [UInt8]
    private let slots: [Slot]

    init() {
        bytes = []
        slots = []
    }

    init(bytes: [UInt8], slots: [(name: String, range: Range<Int>?, normalized: String?)]) {
        self.bytes = bytes
        self.slots = slots.map { Slot(name: $0.name, range: $0.range, normalized: $0.normalized) }
    }

    subscript(name: String) -> String? {
        guard let slot = slots.first(where: { $0.name == name }) else { return nil }
        return value(of: slot)
    }

    private func value(of slot: Slot) -> String? {
        if let normalized = slot.normalized { return normalized }
        return slot.range.map { String(journalBytes: bytes[$0]) }
    }

    /// The values of `names` joined by a separator no capture contains, for grouping.
    func key(_ names: [String]) -> String {
        names.map { self[$0] ?? "" }.joined(separator: "\u{1F}")
    }

    /// Every captured value, for a finding's evidence.
    var evidence: Evidence {
        Evidence(slots.compactMap { slot in value(of: slot).map { (slot.name, .text($0)) } })
    }
}
