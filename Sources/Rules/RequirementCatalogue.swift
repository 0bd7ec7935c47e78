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

    /// The groups of TT12 Điều 9: the four technical ones and management.
    public static let areas = ["network", "server", "application", "data", "management"]

    public var id: String
    public var area: String
    public var text: LocalizedText
    public var levels: [Level]
    /// Decree 85/2016 + Circular 12/2022 + TCVN 11930:2017, e.g. `TT12 Phụ lục, II.2 mục 1.2; TCVN 11930:2017 x.2.2.3`.
    public var legacy: Citation
    /// Decree 331/2026 + TCVN 14423:2026 where known.
    public var current: Citation?
    public var check: Check
    public var location: SourceLocation

    /// A citation whose clause numbers may contain `x`, the clause of the level (TCVN 11930: level + 4;
    /// TCVN 14423: level + 2).
    public struct Citation: Sendable, Hashable {
        public var text: String
        public var levelOffset: Int

        /// The citation with `x` replaced by the clause of `level`.
        public func text(at level: Level) -> String {
            var result = ""
            var previous: Character = " "
            for (index, character) in text.enumerated() {
                let next = text.dropFirst(index + 1).first
                if character == "x", !previous.isLetter, next == "." {
                    result += String(level.rawValue + levelOffset)
                } else {
                    result.append(character)
                }
                previous = character
            }
            return result
        }
    }
}

/// The requirement catalogue, by id.
public struct RequirementCatalogue: Sendable {
    public private(set) var requirements: [Requirement]

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public subscript(id: String) -> Requirement? { requirements.first { $0.id == id } }

    static func parse(_ text: String, file: String) -> (RequirementCatalogue, [RuleFileProblem]) {
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
                    let requirement = try parseRequirement(node)
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

    private static func parseRequirement(_ raw: YAMLNode) throws(RuleFileProblem) -> Requirement {
        let keys = ["id", "area", "text", "levels", "legacy", "current", "check"]
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
        return Requirement(
            id: id, area: area,
            text: try RuleFileParser.parseLocalizedText(mapping.required("text")),
            levels: try RuleFileParser.parseLevels(mapping.required("levels")),
            legacy: Requirement.Citation(text: try mapping.required("legacy").nonEmptyString(), levelOffset: 4),
            current: try mapping["current"].map { node throws(RuleFileProblem) in
                Requirement.Citation(text: try node.nonEmptyString(), levelOffset: 2)
            },
            check: check, location: node.location)
    }
}
