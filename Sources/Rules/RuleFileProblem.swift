/// A place in a rule file.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem concerns the file as a whole.
    public var line: Int?

    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// One thing wrong in a rule file, printed as `file:line: field: what is wrong`.
public struct RuleFileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// The dotted path of the field, starting with the rule id when there is one
    /// (`auth.ssh.bruteforce.threshold.window`).
    public var field: String
    public var message: String

    public init(location: SourceLocation, field: String, message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String { "\(location): \(field): \(message)" }
}

/// A rule pack that cannot be used, with every problem found in it.
public struct RulePackError: Error, Sendable, CustomStringConvertible {
    public var problems: [RuleFileProblem]

    public init(problems: [RuleFileProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
