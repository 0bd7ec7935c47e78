public import CanhModel
import Foundation

/// The kinds of report, each a value that every format renders.
public protocol ReportData: Sendable, Codable {
    /// `compliance`, `coverage` or `annual`.
    static var kind: String { get }
    var generatedAt: Timestamp { get }
    var rulesVersion: String { get }
}

extension ComplianceReport: ReportData {
    public static let kind = "compliance"
}

extension CoverageReport: ReportData {
    public static let kind = "coverage"
}

extension AnnualReport: ReportData {
    public static let kind = "annual"
}

/// A report with the SHA-256 of its data, which every format prints so that a reviewer can tell
/// two copies of the same report from two different reports.
///
/// The digest is taken over the data's canonical JSON: keys sorted, no white space, `/` not
/// escaped — what `jq -cjS .data` prints from the JSON format, so it can be checked with
/// `jq -cjS .data report.json | sha256sum`.
public struct SealedReport<Data: ReportData>: Sendable {
    public var data: Data
    public var digest: String
    /// The canonical JSON the digest is over.
    public var canonicalJSON: [UInt8]

    /// A report as the JSON format carries it (`{"data": …, "digest": …, "report": …}`), opened
    /// only when its data still has the digest it states and it is the kind asked for: what a
    /// client renders every other format from, so that all of them are the same evaluation.
    public init(received json: [UInt8]) throws(ReportError) {
        let envelope: JSONRenderer.Envelope<Data>
        do {
            envelope = try JSONDecoder().decode(JSONRenderer.Envelope<Data>.self, from: Foundation.Data(json))
        } catch {
            throw .encoding("the collector's answer is not a \(Data.kind) report: \(error)")
        }
        guard envelope.report == Data.kind else { throw .encoding("the collector sent a \(envelope.report) report, not \(Data.kind)") }
        try self.init(envelope.data)
        guard digest == envelope.digest else {
            throw .encoding("the report's data does not match its digest \(envelope.digest) (it has \(digest)); ask for it again")
        }
    }

    public init(_ data: Data) throws(ReportError) {
        self.data = data
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            canonicalJSON = Array(try encoder.encode(data))
        } catch {
            throw .encoding("\(error)")
        }
        digest = StableDigest.hex(sha256: canonicalJSON)
    }
}

/// What can go wrong making a report.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    case encoding(String)
    /// The PDF renderer is not installed.
    case rendererMissing(String)
    /// The PDF renderer ran and failed.
    case rendererFailed(String)

    public var description: String {
        switch self {
        case .encoding(let detail): "the report could not be encoded: \(detail)"
        case .rendererMissing(let detail), .rendererFailed(let detail): detail
        }
    }
}
