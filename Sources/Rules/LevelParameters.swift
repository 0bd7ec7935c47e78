public import CanhModel

/// A value a rule can be tuned with per level (a threshold, a window, a list of groups…).
public struct ParameterValue: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case scalar(String)
        case list([String])
    }

    public var content: Content
    public var location: SourceLocation

    public var description: String {
        switch content {
        case .scalar(let text): text
        case .list(let items): "[" + items.joined(separator: ", ") + "]"
        }
    }
}

/// Per-level parameter values with inheritance: a level takes the value of the nearest level
/// below it that sets the parameter (ComplianceAsCode's `inherits_from`, level by level).
public struct LevelParameters: Sendable, Hashable {
    /// The values each level sets explicitly.
    public private(set) var explicit: [Level: [String: ParameterValue]]

    public init(explicit: [Level: [String: ParameterValue]] = [:]) { self.explicit = explicit }

    /// Every parameter name set at any level, sorted.
    public var names: [String] { Set(explicit.values.flatMap(\.keys)).sorted() }

    /// The value in force at `level`: its own, else the nearest level below that sets it.
    public func value(_ name: String, at level: Level) -> ParameterValue? {
        var current: Level? = level
        while let candidate = current {
            if let value = explicit[candidate]?[name] { return value }
            current = candidate.below
        }
        return nil
    }

    /// Every parameter in force at `level`, by name.
    public func values(at level: Level) -> [(name: String, value: ParameterValue)] {
        names.compactMap { name in value(name, at: level).map { (name, $0) } }
    }
}

/// A setting written either literally or as `$name`, a reference to a level parameter.
public enum Parameterized<Value: Sendable & Hashable>: Sendable, Hashable {
    case literal(Value)
    case parameter(String, SourceLocation)
}
