import CanhModel

/// HTML written piece by piece with every text escaped, and the page frame every report shares:
/// one self-contained file (CSS embedded, charts as inline SVG, no external asset), laid out for
/// A4 printing with page numbers in the margin, which Chromium also uses to print the PDF.
struct HTMLDocument {
    private(set) var text = ""

    /// The page up to the end of its header: the title, then the report's identity (generation
    /// time, period, rule-pack version and digest).
    init(title: String, metadata: [(String, String)], digest: String, strings: ReportStrings) {
        self.init(title: title, strings: strings, extraStyle: "")
        raw("<header>\n")
        element("h1", title)
        self.metadata(metadata, digest: digest, strings: strings)
        raw("</header>\n")
    }

    /// The page up to `<body>`, without the report header: for a document with a form of its
    /// own (the annual report), which prints its identity at the end with `identity`.
    init(title: String, strings: ReportStrings, extraStyle: String) {
        text.reserveCapacity(1 << 16)
        raw("<!DOCTYPE html>\n<html lang=\"\(strings.language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n")
        raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        escaped(title)
        raw("</title>\n<style>\n")
        raw(Self.style(strings: strings))
        raw(extraStyle)
        raw("</style>\n</head>\n<body>\n")
    }

    /// The report's identity (generation time, rule pack, digest) where the form allows it.
    mutating func identity(_ items: [(String, String)], digest: String, strings: ReportStrings) {
        raw("<footer class=\"identity\">\n")
        metadata(items, digest: digest, strings: strings)
        raw("</footer>\n")
    }

    mutating func finish() -> String {
        raw("</body>\n</html>\n")
        return text
    }

    mutating func raw(_ html: String) { text += html }

    mutating func escaped(_ value: String) {
        for character in value.unicodeScalars {
            switch character {
            case "&": text += "&amp;"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            case "\"": text += "&quot;"
            case "'": text += "&#39;"
            default: text.unicodeScalars.append(character)
            }
        }
    }

    /// `<tag class="…">text</tag>`.
    mutating func element(_ tag: String, _ value: String, class name: String? = nil) {
        raw(name.map { "<\(tag) class=\"\($0)\">" } ?? "<\(tag)>")
        escaped(value)
        raw("</\(tag)>")
    }

    /// A table row of header cells or data cells.
    mutating func row(_ cells: [String], header: Bool = false) {
        let tag = header ? "th" : "td"
        raw("<tr>")
        for cell in cells { element(tag, cell) }
        raw("</tr>\n")
    }

    private mutating func metadata(_ items: [(String, String)], digest: String, strings: ReportStrings) {
        raw("<dl class=\"meta\">\n")
        for (name, value) in items {
            element("dt", name)
            element("dd", value)
        }
        element("dt", strings.digest)
        raw("<dd><code class=\"digest\">")
        escaped(digest)
        raw("</code></dd>\n</dl>\n<p class=\"note\">")
        escaped(strings.timeZoneNote + ". " + strings.digestNote + ".")
        raw("</p>\n")
    }

    /// A status as a coloured label.
    mutating func badge(_ status: ComplianceStatus, strings: ReportStrings) {
        element("span", strings.statusName(status), class: "badge \(status.rawValue)")
    }

    static let statusColours: [(ComplianceStatus, String)] = [
        (.pass, "#2e7d32"), (.fail, "#c62828"), (.manual, "#1565c0"), (.notEvaluated, "#9e9e9e"),
    ]

    private static func style(strings: ReportStrings) -> String {
        let badges = statusColours.map { ".badge.\($0.0.rawValue) { background: \($0.1); }" }.joined(separator: "\n")
        return """
            @page { size: A4; margin: 16mm 14mm 18mm 14mm;
              @bottom-right { content: "\(strings.page) " counter(page) " \(strings.pageOf) " counter(pages); font: 8pt sans-serif; color: #555; } }
            * { box-sizing: border-box; }
            body { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1a1a1a;
              max-width: 1100px; margin: 0 auto; padding: 16px; line-height: 1.35; }
            h1 { font-size: 17pt; margin: 0 0 8px; color: #0d2f5e; }
            h2 { font-size: 14pt; margin: 24px 0 6px; color: #0d2f5e; border-bottom: 2px solid #0d2f5e; padding-bottom: 3px; }
            h3 { font-size: 11.5pt; margin: 16px 0 6px; color: #0d2f5e; }
            dl.meta, dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
            dt { font-weight: bold; color: #333; }
            dd { margin: 0; }
            code.digest { font-size: 8.5pt; word-break: break-all; }
            p.note { font-size: 8.5pt; color: #555; margin: 4px 0 10px; }
            table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 9pt; }
            thead { display: table-header-group; }
            tr { break-inside: avoid; }
            th, td { border: 1px solid #c8c8c8; padding: 3px 5px; text-align: left; vertical-align: top; }
            th { background: #e8eef6; }
            td.number, th.number { text-align: right; white-space: nowrap; }
            .badge { display: inline-block; color: #fff; border-radius: 3px; padding: 1px 6px; font-size: 8.5pt; font-weight: bold;
              white-space: nowrap; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            \(badges)
            .summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
            .summary div { border: 1px solid #c8c8c8; border-radius: 4px; padding: 6px 10px; min-width: 120px; }
            .summary strong { display: block; font-size: 15pt; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            figure { margin: 6px 0; break-inside: avoid; }
            figcaption { font-weight: bold; font-size: 9.5pt; margin-bottom: 4px; }
            svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            ul.evidence { margin: 2px 0 0; padding-left: 16px; font-size: 8.5pt; }
            .muted { color: #666; }
            section.system { break-before: page; }
            section.system:first-of-type { break-before: auto; }

            """
    }
}

/// Inline SVG charts: plain shapes and text, so they print and need no script.
enum SVGChart {
    /// One horizontal bar per row, split into coloured segments.
    static func stackedBars(
        rows: [(label: String, segments: [(value: Int, colour: String)])], legend: [(String, String)], caption: String,
        into document: inout HTMLDocument
    ) {
        let labelWidth = 190, barWidth = 360, rowHeight = 24, top = 24
        let height = top + rows.count * rowHeight + 8
        let largest = max(1, rows.map { $0.segments.reduce(0) { $0 + $1.value } }.max() ?? 1)
        document.raw("<figure><figcaption>")
        document.escaped(caption)
        document.raw(
            "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 50)\" height=\"\(height)\" ")
        document.raw("role=\"img\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\n<title>")
        document.escaped(caption)
        document.raw("</title>\n")
        var x = 0
        for (name, colour) in legend {
            document.raw("<rect x=\"\(x)\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(colour)\"/><text x=\"\(x + 14)\" y=\"13\">")
            document.escaped(name)
            document.raw("</text>\n")
            x += 24 + name.count * 7
        }
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            document.raw("<text x=\"0\" y=\"\(y + 15)\">")
            document.escaped(row.label)
            document.raw("</text>\n")
            var offset = labelWidth
            for segment in row.segments where segment.value > 0 {
                let width = max(1, segment.value * barWidth / largest)
                document.raw("<rect x=\"\(offset)\" y=\"\(y + 2)\" width=\"\(width)\" height=\"18\" fill=\"\(segment.colour)\"/>")
                if width >= 16 {
                    document.raw(
                        "<text x=\"\(offset + width / 2)\" y=\"\(y + 15)\" fill=\"#fff\" text-anchor=\"middle\">\(segment.value)</text>")
                }
                document.raw("\n")
                offset += width
            }
        }
        document.raw("</svg></figure>\n")
    }

    /// Vertical bars with their counts above and labels below.
    static func columns(bars: [(label: String, value: Int, colour: String)], caption: String, into document: inout HTMLDocument) {
        let columnWidth = 86, plotHeight = 120, top = 18
        let largest = max(1, bars.map(\.value).max() ?? 1)
        document.raw("<figure><figcaption>")
        document.escaped(caption)
        document.raw("</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(bars.count * columnWidth)\" ")
        document.raw("height=\"\(top + plotHeight + 24)\" role=\"img\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\n<title>")
        document.escaped(caption)
        document.raw("</title>\n")
        for (index, bar) in bars.enumerated() {
            let height = bar.value == 0 ? 0 : max(2, bar.value * plotHeight / largest)
            let x = index * columnWidth
            let middle = x + columnWidth / 2
            document.raw("<rect x=\"\(x + 14)\" y=\"\(top + plotHeight - height)\" width=\"\(columnWidth - 28)\" height=\"\(height)\" ")
            document.raw("fill=\"\(bar.colour)\"/>\n<text x=\"\(middle)\" y=\"\(top + plotHeight - height - 4)\" text-anchor=\"middle\">")
            document.raw("\(bar.value)</text>\n<text x=\"\(middle)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">")
            document.escaped(bar.label)
            document.raw("</text>\n")
        }
        document.raw("</svg></figure>\n")
    }

    static let binColours = ["expired": "#7f0000", "0-7": "#c62828", "8-30": "#ef6c00", "31-90": "#f9a825", "over-90": "#2e7d32"]

    static func certificateColumns(_ bins: [CertificateBin], strings: ReportStrings, into document: inout HTMLDocument) {
        columns(
            bars: bins.map { (strings.binName($0.range), $0.count, binColours[$0.range] ?? "#9e9e9e") }, caption: strings.chartCertificates,
            into: &document)
    }
}
