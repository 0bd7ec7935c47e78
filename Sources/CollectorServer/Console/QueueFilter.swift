import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import Reports

/// The findings queue's filter as a URL or a form carries it: kept as text to show back in the
/// form, checked field by field when turned into the store's filter.
struct QueueFilter: Sendable {
    static let fields = ["system", "host", "rule", "severity", "status", "since", "text", "fingerprint"]
    var values: [String: String]

    /// The fields given, empty ones left out; `lookup` reads the URL's query or a posted form.
    init(_ lookup: (String) -> String?) {
        var values: [String: String] = [:]
        for field in Self.fields {
            if let value = lookup(field)?.trimmingCharacters(in: .whitespaces), !value.isEmpty { values[field] = value }
        }
        self.values = values
    }

    subscript(_ field: String) -> String { values[field] ?? "" }

    /// The filter of the store, or a refusal naming the field; `limit` rows or groups.
    func findingFilter(limit: Int, language: Language) throws -> FindingFilter {
        let vi = language == .vi
        var filter = FindingFilter(limit: limit)
        for (field, value) in values where value.containsControlCharacter || value.count > 256 {
            throw HTTPError(
                .badRequest,
                message: vi
                    ? "\(field): tối đa 256 ký tự, không có ký tự điều khiển" : "\(field): at most 256 characters and no control characters"
            )
        }
        filter.system = values["system"]
        filter.host = values["host"]
        filter.rule = values["rule"]
        filter.text = values["text"]
        if let text = values["severity"] {
            guard let severity = Severity(rawValue: text) else {
                throw HTTPError(.badRequest, message: "severity: \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.minimumSeverity = severity
        }
        if let text = values["status"] {
            guard let status = FindingStatus(rawValue: text) else {
                throw HTTPError(.badRequest, message: "status: \(FindingStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        if let text = values["since"] {
            guard let day = LocalDate(iso: text) else {
                throw HTTPError(.badRequest, message: vi ? "since: một ngày dạng YYYY-MM-DD" : "since: a date, YYYY-MM-DD")
            }
            filter.since = day.startInVietnam
        }
        if let fingerprint = values["fingerprint"] {
            guard fingerprint.count == 64, fingerprint.utf8.allSatisfy({ $0.isLowercaseHexDigit }) else {
                throw HTTPError(.badRequest, message: "fingerprint: 64 hexadecimal digits")
            }
            filter.fingerprint = fingerprint
        }
        return filter
    }

    /// The filter as `name=value` pairs, for links and hidden fields.
    var pairs: [(String, String)] { Self.fields.compactMap { field in values[field].map { (field, $0) } } }

    var query: String { ConsoleQuery.string(pairs.map { ($0.0, $0.1) }) }

    /// Whether the queue lists single findings (one rule in one system, a host, or one finding)
    /// rather than groups.
    var listsFindings: Bool {
        (values["rule"] != nil && values["system"] != nil) || values["host"] != nil || values["fingerprint"] != nil
    }

    /// The filter in words, for the confirmation of a bulk action.
    func described(_ language: Language) -> String {
        guard !values.isEmpty else { return language == .vi ? "mọi phát hiện" : "every finding" }
        return pairs.map { "\($0.0) = \($0.1)" }.joined(separator: ", ")
    }
}

extension UInt8 {
    var isLowercaseHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
    }
}
