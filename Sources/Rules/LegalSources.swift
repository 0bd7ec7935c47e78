public import CanhModel

/// The pack's table of what the catalogue may cite (`rules/legal-sources.yaml`): every row of
/// Circular 12/2022's appendix for each level with its TCVN 11930:2017 clause, the TCVN 14423:2026
/// clauses known per level, and the articles of the other texts. A citation naming anything else
/// is a mistake `rules check` refuses.
public struct LegalSources: Sendable {
    /// A row of TT12's appendix for one level.
    public struct CircularRow: Sendable, Hashable {
        public var row: String
        public var tcvn11930: String?
        public var title: String
        public var location: SourceLocation
    }

    /// The instruments cited by article or item outside TT12's appendices, by their key in
    /// `requirements.yaml`.
    public static let instruments = ["decree85", "tt12_articles", "tt39", "tt31", "tt20", "nd331"]

    /// Per level, in the appendix's order.
    public private(set) var circular12: [Level: [CircularRow]] = [:]
    /// Per level: clause → what it is about.
    public private(set) var tcvn14423: [Level: [String: String]] = [:]
    /// Per instrument: article → title.
    public private(set) var articles: [String: [String: String]] = [:]

    public init() {}

    public func row(_ row: String, at level: Level) -> CircularRow? { circular12[level]?.first { $0.row == row } }

    static func parse(_ text: String, file: String) throws(RuleFileProblem) -> LegalSources {
        var sources = LegalSources()
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw RuleFileProblem(location: SourceLocation(file: file, line: nil), field: "tt12", message: "the file is empty")
        }
        let mapping = try root.mapping(allowed: ["tt12", "tcvn14423", "articles"])
        for (key, rowsNode) in try mapping.required("tt12").anyMapping().entries {
            let level = try Self.level(key.text, node: rowsNode)
            var rows: [CircularRow] = []
            for (row, entry) in try rowsNode.anyMapping().entries {
                guard Self.isCircularRow(row.text) else {
                    throw entry.problem("not a row of a TT12 appendix; write I/1.5.6, II.1/a, II.1/b.xi or II.2/1.2.1")
                }
                guard !rows.contains(where: { $0.row == row.text }) else { throw entry.problem("is listed twice") }
                let fields = try entry.mapping(allowed: ["tcvn11930", "title"])
                rows.append(
                    CircularRow(
                        row: row.text, tcvn11930: try fields["tcvn11930"]?.nonEmptyString(),
                        title: try fields.required("title").nonEmptyString(),
                        location: entry.location))
            }
            sources.circular12[level] = rows
        }
        for (key, clausesNode) in try mapping.required("tcvn14423").anyMapping().entries {
            let level = try Self.level(key.text, node: clausesNode)
            var clauses: [String: String] = [:]
            for (clause, title) in try clausesNode.anyMapping().entries {
                guard clause.text.hasPrefix("\(level.rawValue + 2).") else {
                    throw title.problem("a TCVN 14423:2026 clause of level \(level) starts with \(level.rawValue + 2).")
                }
                clauses[clause.text] = try title.nonEmptyString()
            }
            sources.tcvn14423[level] = clauses
        }
        for (instrument, articlesNode) in try mapping.required("articles").mapping(allowed: instruments).entries {
            var articles: [String: String] = [:]
            for (article, title) in try articlesNode.anyMapping().entries { articles[article.text] = try title.nonEmptyString() }
            sources.articles[instrument.text] = articles
        }
        return sources
    }

    private static func level(_ key: String, node: YAMLNode) throws(RuleFileProblem) -> Level {
        guard let number = Int(key), let level = Level(rawValue: number) else {
            throw node.problem("entries are grouped by level; \"\(key)\" is not a level from 1 to 5")
        }
        return level
    }

    /// `I/1.5.6`, `I/1.6`, `II.1/a`, `II.1/b.xi`, `II.2/1.2.1`.
    static func isCircularRow(_ row: String) -> Bool {
        let parts = row.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let numbered = { (text: Substring, count: ClosedRange<Int>) in
            let numbers = text.split(separator: ".", omittingEmptySubsequences: false)
            return count.contains(numbers.count) && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigitCharacter) }
        }
        switch parts[0] {
        case "I": return numbered(parts[1], 2...3)
        case "II.2": return numbered(parts[1], 3...3)
        case "II.1":
            if parts[1] == "a" { return true }
            return parts[1].hasPrefix("b.") && parts[1].count > 2 && parts[1].dropFirst(2).allSatisfy { "ivx".contains($0) }
        default: return false
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
