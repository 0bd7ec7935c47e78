public import CanhModel
import Foundation

/// A loaded rule pack: `pack.yaml` (name and version), `legal-sources.yaml` (what citations may
/// name), `requirements.yaml` (the catalogue) and every other `*.yaml` file below the directory
/// (rules, grouped by what they read).
public struct RulePack: Sendable {
    public var name: String
    public var version: String
    public var directory: String
    public var rules: [Rule]
    public var requirements: RequirementCatalogue
    public var legalSources: LegalSources

    /// The rules that apply at `level`.
    public func rules(at level: Level) -> [Rule] { rules.filter { $0.applies(at: level) } }

    /// Every rule's title by its id: what the collector shows findings with.
    public var titles: [String: LocalizedText] { Dictionary(rules.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first }) }

    /// Every rule's remediation and references by its id.
    public var guidance: [String: RuleGuidance] {
        Dictionary(rules.map { ($0.id, $0.guidance) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads and validates a pack.
    /// - Returns: the rules that are sound, and every problem found. A pack with problems must
    ///   not be used for scanning; `rules check` reports them all.
    public static func load(directory: String) -> (pack: RulePack, problems: [RuleFileProblem]) {
        var problems: [RuleFileProblem] = []
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var name = "unnamed"
        var version = "unversioned"

        guard isDirectory(base) else {
            let problem = RuleFileProblem(
                location: SourceLocation(file: base, line: nil), field: "(directory)",
                message: "no rule pack here; pass the directory that holds pack.yaml and requirements.yaml")
            return (
                RulePack(
                    name: name, version: version, directory: base, rules: [], requirements: .init(requirements: []), legalSources: .init()),
                [problem]
            )
        }

        if let (text, file) = readFile(base + "/pack.yaml", problems: &problems) {
            do {
                if let root = try YAMLNode.parse(text, file: file) {
                    let mapping = try root.mapping(allowed: ["name", "version"])
                    name = try mapping.required("name").nonEmptyString()
                    version = try mapping.required("version").nonEmptyString()
                }
            } catch {
                problems.append(error)
            }
        }

        var sources = LegalSources()
        if let (text, file) = readFile(base + "/" + legalSourcesFile, problems: &problems) {
            do { sources = try LegalSources.parse(text, file: file) } catch { problems.append(error) }
        }
        var catalogue = RequirementCatalogue(requirements: [])
        if let (text, file) = readFile(base + "/requirements.yaml", problems: &problems) {
            let (parsed, catalogueProblems) = RequirementCatalogue.parse(text, file: file, sources: sources)
            catalogue = parsed
            problems += catalogueProblems
            if catalogueProblems.isEmpty { problems += catalogue.uncitedRows(of: sources) }
        }

        var rules: [Rule] = []
        for file in ruleFiles(in: base) {
            guard let (text, path) = readFile(file, problems: &problems) else { continue }
            let (parsed, fileProblems) = RuleFileParser.parse(text, file: path)
            problems += fileProblems
            for rule in parsed {
                if let first = rules.first(where: { $0.id == rule.id }) {
                    problems.append(
                        RuleFileProblem(location: rule.location, field: rule.id, message: "rule id is already defined at \(first.location)")
                    )
                    continue
                }
                let citationProblems = checkCitations(of: rule, against: catalogue)
                problems += citationProblems
                if citationProblems.isEmpty { rules.append(rule) }
            }
        }
        return (
            RulePack(name: name, version: version, directory: base, rules: rules, requirements: catalogue, legalSources: sources), problems
        )
    }

    /// The table of what citations may name, beside `requirements.yaml`.
    public static let legalSourcesFile = "legal-sources.yaml"

    /// The rules of one rule file's text, and what is wrong with the others.
    public static func rules(inFile text: String, named file: String) -> (rules: [Rule], problems: [RuleFileProblem]) {
        RuleFileParser.parse(text, file: file)
    }

    public func rulesCiting(_ requirement: String) -> [Rule] { rules.filter { $0.requirements.contains(requirement) } }

    /// Requirements marked automated that no rule cites: the catalogue promises evidence the
    /// pack does not produce. Checked over a whole pack (`rules check`), not per rule file.
    public var uncitedAutomatedRequirements: [RuleFileProblem] {
        requirements.requirements.filter { $0.check == .automated && rulesCiting($0.id).isEmpty }.map { requirement in
            RuleFileProblem(
                location: requirement.location, field: "\(requirement.id).check",
                message: "is automated but no rule cites it; cite it from a rule or mark it manual")
        }
    }

    /// Every cited requirement exists, is shown by rules (not attested), and applies at every
    /// level the rule applies at.
    private static func checkCitations(of rule: Rule, against catalogue: RequirementCatalogue) -> [RuleFileProblem] {
        rule.requirements.compactMap { id in
            guard let requirement = catalogue[id] else {
                return RuleFileProblem(
                    location: rule.location, field: "\(rule.id).requirements",
                    message: "unknown requirement id \(id); it must be defined in requirements.yaml")
            }
            guard requirement.check == .automated else {
                return RuleFileProblem(
                    location: rule.location, field: "\(rule.id).requirements",
                    message: "requirement \(id) is marked manual (attested in the collector); mark it automated to cite it from a rule")
            }
            let outside = rule.levels.filter { !requirement.levels.contains($0) }
            guard outside.isEmpty else {
                return RuleFileProblem(
                    location: rule.location, field: "\(rule.id).levels",
                    message:
                        "the rule applies at level \(outside.map(\.description).joined(separator: ", ")) but requirement \(id) applies only at levels \(requirement.levels.map(\.description).joined(separator: ", "))"
                )
            }
            return nil
        }
    }

    private static func readFile(_ path: String, problems: inout [RuleFileProblem]) -> (String, String)? {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(
                RuleFileProblem(
                    location: SourceLocation(file: path, line: nil), field: "(file)",
                    message: FileManager.default.fileExists(atPath: path) ? "cannot be read; check its permissions" : "is missing"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            problems.append(
                RuleFileProblem(location: SourceLocation(file: path, line: nil), field: "(file)", message: "is not valid UTF-8"))
            return nil
        }
        return (text, path)
    }

    private static func ruleFiles(in base: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml"),
                relative != "pack.yaml", relative != "requirements.yaml", relative != legalSourcesFile
            else { continue }
            files.append(base + "/" + relative)
        }
        return files.sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
