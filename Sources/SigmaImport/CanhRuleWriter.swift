import Foundation

/// The text of a Canh rule file for one imported Sigma rule. Every string is written single
/// quoted, with control characters turned into spaces, so Sigma text can never change the
/// file's structure.
struct CanhRuleWriter {
    var id: String
    var severity: String
    var sigmaID: String
    var title: String
    var author: String?
    var license: String?
    var references: [String]
    var description: String?
    var falsePositives: [String]
    var alternatives: [MatchAlternative]

    var yaml: String {
        var lines = [
            "# Imported from Sigma rule \(quoted(sigmaID)) by canh-agent rules import-sigma: re-import rather than edit.",
            "# It cites no requirement until mapped (add its ids to requirements:) and has no embedded tests yet.",
            "rules:",
            "  - id: \(id)",
            "    type: event",
            "    severity: \(severity)",
            "    levels: [1, 2, 3, 4, 5]",
            "    requirements: []",
            "    sigma:",
            "      id: \(quoted(sigmaID))",
            "      title: \(quoted(title))",
        ]
        if let author { lines.append("      author: \(quoted(author))") }
        if let license { lines.append("      license: \(quoted(license))") }
        lines.append("      references: [\(references.map(quoted).joined(separator: ", "))]")
        lines.append("    title: {vi: \(quoted("[Sigma] " + title)), en: \(quoted(title))}")
        let about = [description, falsePositives.isEmpty ? nil : "False positives: " + falsePositives.joined(separator: "; ")]
            .compactMap { $0 }.joined(separator: " ")
        lines.append("    remediation:")
        lines.append(
            "      vi: \(quoted("Quy tắc Sigma nhập tự động (chưa dịch): " + (about.isEmpty ? title : about) + " Hãy gắn với yêu cầu và kiểm thử trước khi dựa vào."))"
        )
        lines.append("      en: \(quoted((about.isEmpty ? title : about) + " Map it to a requirement and test it before relying on it."))")
        lines.append("    match:")
        for alternative in alternatives {
            let fields = alternative.fields.map { "\($0.field): [\($0.values.map(quoted).joined(separator: ", "))]" }
            var first = true
            if !fields.isEmpty {
                lines.append("      - fields: {\(fields.joined(separator: ", "))}")
                first = false
            }
            if let message = alternative.message {
                lines.append("      \(first ? "- " : "  ")message: \(quoted(message))")
            }
        }
        lines.append("    entity: host")
        return lines.joined(separator: "\n") + "\n"
    }

    private func quoted(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        return "'" + clean.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
