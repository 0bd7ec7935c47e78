import Foundation

/// The PDF format: the HTML format printed by headless Chromium (Debian package `chromium`),
/// so the two never disagree. Chromium prints the page numbers from the HTML's `@page` rules.
enum PDFRenderer {
    /// Where Chromium is looked for when `CANH_CHROMIUM` does not name it.
    static let candidates = ["chromium", "chromium-browser", "google-chrome", "chrome-headless-shell"]

    static func render(html: String, timeout: Duration = .seconds(120)) throws(ReportError) -> [UInt8] {
        guard let browser = RendererProcess.locate(candidates: candidates, override: "CANH_CHROMIUM") else {
            throw .rendererMissing(
                "PDF reports are printed by Chromium, which is not installed: run `apt-get install chromium` "
                    + "(or set CANH_CHROMIUM to its path), or ask for --format html and print that from a browser")
        }
        return try RendererProcess.withWorkDirectory(input: html, named: "report.html") { process, page throws(ReportError) in
            let output = process.work.appendingPathComponent("report.pdf")
            // No sandbox: the page is our own static HTML without scripts, and Chromium's
            // sandbox cannot start as root or in most containers. A private profile keeps it from
            // touching the user's.
            return try process.run(
                browser,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    "--user-data-dir=\(process.work.appendingPathComponent("profile").path)", "--print-to-pdf=\(output.path)",
                    page.absoluteString,
                ], output: output, magic: Array("%PDF".utf8), timeout: timeout)
        }
    }
}
