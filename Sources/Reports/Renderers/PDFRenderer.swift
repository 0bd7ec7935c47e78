import Foundation

/// The PDF format: the HTML format printed by headless Chromium (Debian package `chromium`),
/// so the two never disagree. Chromium prints the page numbers from the HTML's `@page` rules.
enum PDFRenderer {
    /// Where Chromium is looked for when `CANH_CHROMIUM` does not name it.
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "chrome-headless-shell"]

    static func render(html: String, timeout: Duration = .seconds(120)) throws(ReportError) -> [UInt8] {
        guard let browser = locateBrowser() else {
            throw .rendererMissing(
                "PDF reports are printed by Chromium, which is not installed: run `apt-get install chromium` "
                    + "(or set CANH_CHROMIUM to its path), or ask for --format html and print that from a browser")
        }
        let fileManager = FileManager.default
        let work = fileManager.temporaryDirectory.appendingPathComponent("canh-report-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: work) }
        let page = work.appendingPathComponent("report.html")
        let output = work.appendingPathComponent("report.pdf")
        do {
            try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: page)
        } catch {
            throw .rendererFailed("cannot write the page for Chromium in \(work.path): \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // No sandbox: the page is our own static HTML without scripts, and Chromium's
        // sandbox cannot start as root or in most containers. A private profile keeps it from
        // touching the user's.
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--print-to-pdf=\(output.path)", page.absoluteString,
        ]
        let log = work.appendingPathComponent("chromium.log")
        process.standardOutput = FileHandle.nullDevice
        do {
            _ = fileManager.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        } catch {
            throw .rendererFailed("cannot start \(browser): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            throw .rendererFailed("\(browser) did not print the PDF within \(timeout)")
        }
        guard process.terminationStatus == 0, let pdf = fileManager.contents(atPath: output.path), pdf.starts(with: Array("%PDF".utf8))
        else {
            let messages = fileManager.contents(atPath: log.path) ?? Data()
            let detail = String(decoding: messages, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " / ")
            throw .rendererFailed("\(browser) could not print the PDF (exit \(process.terminationStatus)): \(detail)")
        }
        return Array(pdf)
    }

    private static func locateBrowser() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let named = environment["CANH_CHROMIUM"], !named.isEmpty {
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
}
