public import CanhModel

/// The formats of SPEC §3 `report … --format`.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    case html, csv, json, pdf, docx

    /// The media type to serve it with.
    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }
}

/// Turns a report into bytes in one format and language. HTML, CSV and JSON are pure functions
/// of the report; PDF prints the HTML with Chromium, DOCX converts it with pandoc. A sealed
/// report renders every format from one evaluation, with one digest.
public enum ReportRenderer {
    public static func render(_ report: ComplianceReport, format: ReportFormat, language: Language) throws(ReportError) -> [UInt8] {
        try render(try SealedReport(report), format: format, language: language)
    }

    public static func render(_ report: CoverageReport, format: ReportFormat, language: Language) throws(ReportError) -> [UInt8] {
        try render(try SealedReport(report), format: format, language: language)
    }

    public static func render(_ report: AnnualReport, format: ReportFormat, language: Language) throws(ReportError) -> [UInt8] {
        try render(try SealedReport(report), format: format, language: language)
    }

    public static func render(
        _ sealed: SealedReport<ComplianceReport>, format: ReportFormat, language: Language
    ) throws(ReportError) -> [UInt8] {
        try render(sealed, format: format, language: language, csv: CSVRenderer.render, html: HTMLRenderer.render)
    }

    public static func render(_ sealed: SealedReport<CoverageReport>, format: ReportFormat, language: Language) throws(ReportError)
        -> [UInt8]
    {
        try render(sealed, format: format, language: language, csv: CSVRenderer.render, html: HTMLRenderer.render)
    }

    /// The annual report; its DOCX leaves out the banner of deadlines, a note for whoever
    /// prepares the document.
    public static func render(_ sealed: SealedReport<AnnualReport>, format: ReportFormat, language: Language) throws(ReportError)
        -> [UInt8]
    {
        if format == .docx {
            return try DOCXRenderer.render(html: AnnualHTMLRenderer.render(sealed, strings: ReportStrings.of(language), banner: false))
        }
        return try render(sealed, format: format, language: language, csv: CSVRenderer.render) { sealed, strings in
            AnnualHTMLRenderer.render(sealed, strings: strings)
        }
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
        case .docx: return try DOCXRenderer.render(html: html(sealed, strings))
        }
    }
}
