import Foundation

/// Runs an external converter (Chromium, pandoc) in a private temporary directory, with a time
/// limit, and says what went wrong in its own last words.
struct RendererProcess {
    /// The directory the converter works in; removed when the conversion ends.
    let work: URL

    /// Where `override` (an environment variable) points, or the first of `candidates` on the PATH.
    static func locate(candidates: [String], override: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let named = environment[override], !named.isEmpty {
            return FileManager.default.isExecutableFile(atPath: named) ? named : nil
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in candidates {
            for directory in path where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// Writes `input` to `inputName` in a fresh directory, runs `body` with it, and removes it.
    static func withWorkDirectory<Result>(
        input: String, named inputName: String, _ body: (RendererProcess, URL) throws(ReportError) -> Result
    ) throws(ReportError) -> Result {
        let fileManager = FileManager.default
        let work = fileManager.temporaryDirectory.appendingPathComponent("canh-report-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: work) }
        let page = work.appendingPathComponent(inputName)
        do {
            try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
            try Data(input.utf8).write(to: page)
        } catch {
            throw .rendererFailed("cannot write the page to convert in \(work.path): \(error.localizedDescription)")
        }
        return try body(RendererProcess(work: work), page)
    }

    /// Runs `tool` and returns the file it wrote at `output`, which must start with `magic`.
    func run(_ tool: String, _ arguments: [String], output: URL, magic: [UInt8], timeout: Duration) throws(ReportError) -> [UInt8] {
        let fileManager = FileManager.default
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = work
        let log = work.appendingPathComponent("converter.log")
        process.standardOutput = FileHandle.nullDevice
        do {
            _ = fileManager.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        } catch {
            throw .rendererFailed("cannot start \(tool): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            throw .rendererFailed("\(tool) did not finish within \(timeout)")
        }
        guard process.terminationStatus == 0, let bytes = fileManager.contents(atPath: output.path), bytes.starts(with: magic) else {
            let messages = fileManager.contents(atPath: log.path) ?? Data()
            let detail = String(decoding: messages, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " / ")
            throw .rendererFailed("\(tool) could not convert the report (exit \(process.terminationStatus)): \(detail)")
        }
        return Array(bytes)
    }
}
