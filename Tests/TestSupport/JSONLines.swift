import Foundation

/// A file a test receiver appends one JSON object per line to (Tests/TestSupport/alert_receivers.py).
public enum JSONLines {
    /// The objects in `file` once there are at least `count`, or all there are after `seconds`.
    public static func wait(for count: Int, in file: String, seconds: Double = 20) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(seconds)
        var lines = self.lines(file)
        while lines.count < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            lines = self.lines(file)
        }
        return try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError(description: "\(file): not a JSON object: \(line)")
            }
            return object
        }
    }

    /// How many objects `file` holds now.
    public static func count(_ file: String) -> Int { lines(file).count }

    private static func lines(_ file: String) -> [Substring] {
        ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").split(separator: "\n")
    }
}
