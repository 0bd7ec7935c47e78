import Foundation

/// The JSON format: `{"data": …, "digest": "…", "report": "compliance"}`, keys sorted, indented.
/// `data` is the report's data model; `jq -cjS .data` gives back the bytes the digest is over.
enum JSONRenderer {
    struct Envelope<Data: ReportData>: Codable {
        var data: Data
        var digest: String
        var report: String
    }

    static func render<Data: ReportData>(_ report: SealedReport<Data>) throws(ReportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        do {
            return Array(try encoder.encode(Envelope(data: report.data, digest: report.digest, report: Data.kind))) + [0x0A]
        } catch {
            throw .encoding("\(error)")
        }
    }
}
