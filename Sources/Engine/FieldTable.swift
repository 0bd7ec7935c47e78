/// The journal fields a compiled pack reads, each with a fixed index. The reader copies exactly
/// these fields, in this order, so the engine finds a value by index instead of by name.
public struct FieldTable: Sendable, Hashable {
    public private(set) var names: [String] = []

    static let message = "MESSAGE"
    static let identifier = "SYSLOG_IDENTIFIER"
    static let hostname = "_HOSTNAME"

    init() {
        // Always present: the message (patterns, samples), the identifier (routing) and the host.
        for name in [Self.message, Self.identifier, Self.hostname] { _ = index(adding: name) }
    }

    /// The index of `name`, adding it if it is new.
    mutating func index(adding name: String) -> Int {
        if let existing = names.firstIndex(of: name) { return existing }
        names.append(name)
        return names.count - 1
    }

    var messageIndex: Int { 0 }
    var identifierIndex: Int { 1 }
    var hostnameIndex: Int { 2 }
}
