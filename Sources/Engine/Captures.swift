/// Named values captured from one entry, in the order the pattern declares them.
struct Captures: Sendable {
    private(set) var values: [(name: String, value: String)] = []

    subscript(name: String) -> String? { values.first { $0.name == name }?.value }

    mutating func set(_ name: String, _ value: String) {
        if let index = values.firstIndex(where: { $0.name == name }) {
            values[index].value = value
        } else {
            values.append((name, value))
        }
    }

    /// The values of `names` joined by a separator no capture contains, for grouping.
    func key(_ names: [String]) -> String {
        names.map { self[$0] ?? "" }.joined(separator: "\u{1F}")
    }
}
