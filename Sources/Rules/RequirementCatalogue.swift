public import CanhModel

/// A requirement of the catalogue `rules/requirements.yaml` (SPEC §2): what the law asks,
/// at which levels, citing both the legacy regime and the one in force since 2026.
public struct Requirement: Sendable, Hashable {
    /// How compliance with the requirement is shown.
    public enum Check: String, Sendable, Hashable {
        /// By the rules that cite it.
        case automated
        /// By an attestation in the collector.
        case manual
    }

    /// Which facts of the collector's inventory show a manual requirement met or not.
    public enum InventoryProof: String, Sendable, Hashable, CaseIterable {
        /// The level dossier is approved by a recorded decision and the plan is fully carried out.
        case dossier
        /// A security assessment within the level's period (Decree 85/2016 Art. 20.2.c).
        case assessment
    }

    /// The groups of TT12 Điều 9: the four technical ones and management.
    public static let areas = ["network", "server", "application", "data", "design", "management"]

    /// The groups of TT12 Điều 9 and its appendices: the four technical ones, the design items
    /// (appendix, II.1) and management.
    public var id: String
    public var area: String
    public var text: LocalizedText
    public var levels: [Level]
    /// What the law says at each of `levels`, checked against the pack's legal sources.
    public var citations: [Level: LegalCitation]
    /// Where the numbers the rules use come from, when no text states them exactly.
    public var threshold: ThresholdBasis?
    public var check: Check
    /// The inventory facts that prove (or disprove) a manual requirement without an attestation.
    public var inventory: InventoryProof?
    public var location: SourceLocation

    /// The citation at `level`, or at the nearest level it applies at.
    public func citation(at level: Level) -> LegalCitation? {
        citations[level] ?? levels.min { abs($0.rawValue - level.rawValue) < abs($1.rawValue - level.rawValue) }.flatMap { citations[$0] }
    }
}

/// The requirement catalogue, by id.
public struct RequirementCatalogue: Sendable {
    public private(set) var requirements: [Requirement]

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public subscript(id: String) -> Requirement? { requirements.first { $0.id == id } }

    static func parse(_ text: String, file: String, sources: LegalSources) -> (RequirementCatalogue, [RuleFileProblem]) {
        var requirements: [Requirement] = []
        var problems: [RuleFileProblem] = []
        do {
            guard let root = try YAMLNode.parse(text, file: file) else {
                return (
                    RequirementCatalogue(requirements: []),
                    [RuleFileProblem(location: SourceLocation(file: file, line: nil), field: "requirements", message: "the file is empty")]
                )
            }
            for node in try root.mapping(allowed: ["requirements"]).required("requirements").sequence() {
                do {
                    let requirement = try parseRequirement(node, sources: sources)
                    if let first = requirements.first(where: { $0.id == requirement.id }) {
                        problems.append(node.problem("requirement id \(requirement.id) is already defined at \(first.location)"))
                    } else {
                        requirements.append(requirement)
                    }
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        return (RequirementCatalogue(requirements: requirements), problems)
    }

    private static func parseRequirement(_ raw: YAMLNode, sources: LegalSources) throws(RuleFileProblem) -> Requirement {
        let keys = ["id", "area", "text", "levels", "check", "threshold", "citations", "inventory"]
        let idNode = try raw.mapping(allowed: keys).required("id")
        let id = try idNode.nonEmptyString()
        let node = YAMLNode(node: raw.node, file: raw.file, path: id)
        let mapping = try node.mapping(allowed: keys)
        let checkNode = try mapping.required("check")
        guard let check = Requirement.Check(rawValue: try checkNode.string()) else {
            throw checkNode.problem("must be automated or manual")
        }
        let areaNode = try mapping.required("area")
        let area = try areaNode.string()
        guard Requirement.areas.contains(area) else {
            throw areaNode.problem("must be one of: \(Requirement.areas.joined(separator: ", ")) (TT12 Điều 9.3–9.4)")
        }
        var inventory: Requirement.InventoryProof?
        if let inventoryNode = mapping["inventory"] {
            inventory = try enumerated(inventoryNode)
            guard check == .manual else { throw inventoryNode.problem("only a manual requirement is proven by the inventory") }
        }
        let levelsNode = try mapping.required("levels")
        let levels = try RuleFileParser.parseLevels(levelsNode)
        let citationsNode = try mapping.required("citations")
        var citations: [Level: LegalCitation] = [:]
        for (key, entry) in try citationsNode.anyMapping().entries {
            guard let number = Int(key.text), let level = Level(rawValue: number), levels.contains(level) else {
                throw entry.problem("citations are given per level; \"\(key.text)\" is not one of the requirement's levels")
            }
            citations[level] = try parseCitation(entry, at: level, sources: sources)
        }
        let uncited = levels.filter { citations[$0] == nil }
        guard uncited.isEmpty else {
            throw citationsNode.problem("has no citation for level \(uncited.map(\.description).joined(separator: ", "))")
        }
        return Requirement(
            id: id, area: area, text: try RuleFileParser.parseLocalizedText(mapping.required("text")), levels: levels,
            citations: citations, threshold: try mapping["threshold"].map(parseThreshold), check: check, inventory: inventory,
            location: node.location)
    }

    private static func parseThreshold(_ node: YAMLNode) throws(RuleFileProblem) -> ThresholdBasis {
        let mapping = try node.mapping(allowed: ["basis", "text"])
        return ThresholdBasis(
            basis: try enumerated(mapping.required("basis")), text: try RuleFileParser.parseLocalizedText(mapping.required("text")))
    }

    private static func enumerated<Value: RawRepresentable & CaseIterable>(_ node: YAMLNode) throws(RuleFileProblem) -> Value
    where Value.RawValue == String {
        let text = try node.string()
        guard let value = Value(rawValue: text) else {
            throw node.problem("must be one of: \(Value.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
        }
        return value
    }

    /// One level's citation; every row, clause and article must be in the legal sources for
    /// that level.
    private static func parseCitation(_ node: YAMLNode, at level: Level, sources: LegalSources) throws(RuleFileProblem)
        -> LegalCitation
    {
        let mapping = try node.mapping(allowed: ["tt12", "tcvn14423", "force", "basis", "note"] + LegalSources.instruments)
        var citation = LegalCitation(
            level: level, force: try enumerated(mapping.required("force")), basis: try enumerated(mapping.required("basis")),
            note: try mapping["note"].map(RuleFileParser.parseLocalizedText))
        if let rowsNode = mapping["tt12"] {
            for row in try rowsNode.stringList() {
                guard let known = sources.row(row, at: level) else {
                    throw rowsNode.problem(
                        "\(row) is not a row of TT12 Phụ lục \(citation.appendix) (level \(level)) in legal-sources.yaml")
                }
                citation.circular12Rows.append(.init(row: row, tcvn11930: known.tcvn11930))
            }
        }
        if let clausesNode = mapping["tcvn14423"] {
            for clause in try clausesNode.stringList() {
                guard sources.tcvn14423[level]?[clause] != nil else {
                    throw clausesNode.problem(
                        "\(clause) is not a TCVN 14423:2026 clause of level \(level) in legal-sources.yaml (level \(level) is clause \(level.rawValue + 2))"
                    )
                }
                citation.tcvn14423Clauses.append(clause)
            }
        }
        for instrument in LegalSources.instruments {
            guard let articlesNode = mapping[instrument] else { continue }
            let articles = try articlesNode.stringList()
            if let unknown = articles.first(where: { sources.articles[instrument]?[$0] == nil }) {
                throw articlesNode.problem("\(unknown) is not listed under articles.\(instrument) in legal-sources.yaml")
            }
            switch instrument {
            case "decree85": citation.decree85Articles = articles
            case "tt12_articles": citation.circular12Articles = articles
            case "tt39": citation.circular39Items = articles
            case "tt31": citation.circular31Articles = articles
            case "tt20": citation.circular20Articles = articles
            default: citation.decree331Articles = articles
            }
        }
        guard citation.citesLegacy || citation.citesCurrent else {
            throw node.problem("cites nothing; name at least one TT12 row, clause or article")
        }
        return citation
    }

    /// Every row of TT12's appendix for a level must be cited by a requirement at that level, so
    /// that a report covers the whole appendix.
    func uncitedRows(of sources: LegalSources) -> [RuleFileProblem] {
        var problems: [RuleFileProblem] = []
        for level in Level.all {
            let cited = Set(requirements.compactMap { $0.citations[level] }.flatMap { $0.circular12Rows.map(\.row) })
            for row in sources.circular12[level] ?? [] where !cited.contains(row.row) {
                problems.append(
                    RuleFileProblem(
                        location: row.location, field: "tt12.\(level).\(row.row)",
                        message: "no requirement cites this row at level \(level) (\(row.title)); cite it from requirements.yaml"))
            }
        }
        return problems
    }
}
