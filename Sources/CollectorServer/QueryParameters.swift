import Hummingbird

/// Query parameters read strictly: a value that is not one the API knows is refused with a
/// message naming the parameter, never ignored.
extension Parameters {
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, as type: Choice.Type) throws -> Choice?
    where Choice.RawValue == String {
        guard let text = get(name) else { return nil }
        guard let value = Choice(rawValue: text) else {
            throw HTTPError(.badRequest, message: "\(name): one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func number(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw HTTPError(.badRequest, message: "\(name): \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
