public import CanhModel

/// The formats of SPEC §3 `report … --format`.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    case html, csv, json, pdf

    /// The media type to serve it with.
    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        case .pdf: "application/pdf"
        }
    }
}

/// Turns a report into bytes in one format and language. HTML, CSV and JSON are pure functions
/// of the report; PDF prints the HTML with Chromium.
public enum ReportRenderer {
    public static func render(_ report: ComplianceReport, format: ReportFormat, language: Language) throws(ReportError) -> [UInt8] {
        try render(try SealedReport(report), format: format, language: language, csv: CSVRenderer.render, html: HTMLRenderer.render)
    }

    /// Prints an HTML report as PDF with Chromium: how the CLI makes a PDF from the HTML the
    /// collector serves.
    public static func pdf(html: [UInt8]) throws(ReportError) -> [UInt8] {
        try PDFRenderer.render(html: String(decoding: html, as: UTF8.self))
    }

    public static func render(_ report: CoverageReport, format: ReportFormat, language: Language) throws(ReportError) -> [UInt8] {
        try render(try SealedReport(report), format: format, language: language, csv: CSVRenderer.render, html: HTMLRenderer.render)
    }

    private static func render<Data: ReportData>(
        _ sealed: SealedReport<Data>, format: ReportFormat, language: Language,
        csv: (SealedReport<Data>, ReportStrings) -> [UInt8], html: (SealedReport<Data>, ReportStrings) -> String
    ) throws(ReportError) -> [UInt8] {
        let strings = ReportStrings.of(language)
        switch format {
        case .json: return try JSONRenderer.render(sealed)
        case .csv: return csv(sealed, strings)
        case .html: return Array(html(sealed, strings).utf8)
        case .pdf: return try PDFRenderer.render(html: html(sealed, strings))
        }
    }
}
