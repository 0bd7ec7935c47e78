/// One setting as a service reads it: the value in force and where it was written, so that a
/// finding can point at the line to change.
public struct ConfigSetting: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    /// The file it was read from (as on the host, not under the scan's host root).
    public var file: String
    public var line: Int

    public init(value: String, file: String, line: Int) {
        self.value = value
        self.file = file
        self.line = line
    }

    /// `value (file:line)`.
    public var description: String { "\(value) (\(file):\(line))" }
}
