import Foundation

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public var outputLines: [String] { standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

/// Runs programs for tests: the built binaries and system tools.
public enum ProcessRunner {
    /// Runs `executable` with `arguments` to completion, waiting on a thread of its own (see
    /// `offThePool`): a test that waits for a process must not hold a thread of the pool.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws
        -> ProcessResult
    {
        try await offThePool { try runWaiting(executable, arguments, environment: environment) }
    }

    /// `run`, waiting on the calling thread: for work already inside `offThePool`.
    public static func runWaiting(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> ProcessResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// The path of a product built beside the test bundle, e.g. `canh-agent`.
    public static func builtProduct(_ name: String) -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return bundle.appendingPathComponent(name).path
    }

    /// The repository root (for the rule pack and samples).
    public static var repositoryRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }
}
