import Foundation

/// The DOCX format, for a report an owner numbers, signs and stamps in its office suite: the
/// HTML converted by pandoc (Debian package `pandoc`), so headings, lists and tables stay
/// editable as the office suite's own.
enum DOCXRenderer {
    static func render(html: String, timeout: Duration = .seconds(120)) throws(ReportError) -> [UInt8] {
        guard let pandoc = RendererProcess.locate(candidates: ["pandoc"], override: "CANH_PANDOC") else {
            throw .rendererMissing(
                "DOCX reports are written by pandoc, which is not installed: run `apt-get install pandoc` "
                    + "(or set CANH_PANDOC to its path), or ask for --format html and open that in the office suite")
        }
        return try RendererProcess.withWorkDirectory(input: html, named: "report.html") { process, page throws(ReportError) in
            let output = process.work.appendingPathComponent("report.docx")
            // A DOCX is a ZIP archive: it starts with "PK\3\4".
            return try process.run(
                pandoc, ["--from=html", "--to=docx", "--output=\(output.path)", page.path], output: output,
                magic: [0x50, 0x4B, 0x03, 0x04],
                timeout: timeout)
        }
    }
}
