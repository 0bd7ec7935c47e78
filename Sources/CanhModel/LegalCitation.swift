/// What the law says about one requirement at one level, as `rules/requirements.yaml` states it and
/// `rules check` verified it against the pack's table of legal sources: the rows of Circular
/// 12/2022's appendix for the level with their TCVN 11930:2017 clauses, the articles of the other
/// texts, and the TCVN 14423:2026 clauses and Decree 331/2026 articles of the regime in force
/// since 19/08/2026.
public struct LegalCitation: Sendable, Hashable, Codable {
    /// How binding the requirement is, as the texts make it.
    public enum Force: String, Sendable, Hashable, Codable, CaseIterable {
        case mandatory
        /// The text suggests it (*gợi ý*); another value justified in the security plan is allowed.
        case suggested
        /// No text asks it; recommended practice.
        case bestPractice = "best_practice"
    }

    /// How sure the citation is.
    public enum Basis: String, Sendable, Hashable, Codable, CaseIterable {
        /// Read in the legal text itself.
        case text
        /// Known only from a secondary copy or paraphrase.
        case secondary
        /// Canh's own mapping: no text says it.
        case inference
    }

    /// One row of TT12's appendix for the level: `I/1.5.6` (management table), `II.1/b.xi`
    /// (design item) or `II.2/1.2.1` (setup table), with the TCVN 11930:2017 clause the appendix
    /// maps it to.
    public struct CircularRow: Sendable, Hashable, Codable {
        public var row: String
        public var tcvn11930: String?

        public init(row: String, tcvn11930: String?) {
            self.row = row
            self.tcvn11930 = tcvn11930
        }
    }

    public var level: Level
    public var circular12Rows: [CircularRow]
    public var decree85Articles: [String]
    public var circular12Articles: [String]
    public var circular39Items: [String]
    public var circular31Articles: [String]
    public var circular20Articles: [String]
    public var tcvn14423Clauses: [String]
    public var decree331Articles: [String]
    public var force: Force
    public var basis: Basis
    /// Why the basis is what it is, where that needs saying.
    public var note: LocalizedText?

    public init(
        level: Level, circular12Rows: [CircularRow] = [], decree85Articles: [String] = [], circular12Articles: [String] = [],
        circular39Items: [String] = [], circular31Articles: [String] = [], circular20Articles: [String] = [],
        tcvn14423Clauses: [String] = [], decree331Articles: [String] = [], force: Force, basis: Basis, note: LocalizedText? = nil
    ) {
        self.level = level
        self.circular12Rows = circular12Rows
        self.decree85Articles = decree85Articles
        self.circular12Articles = circular12Articles
        self.circular39Items = circular39Items
        self.circular31Articles = circular31Articles
        self.circular20Articles = circular20Articles
        self.tcvn14423Clauses = tcvn14423Clauses
        self.decree331Articles = decree331Articles
        self.force = force
        self.basis = basis
        self.note = note
    }

    /// The appendix of TT12 for the level: I to V.
    public var appendix: String { ["I", "II", "III", "IV", "V"][level.rawValue - 1] }

    /// Whether the legacy regime (Decree 85/2016, TT12, TCVN 11930:2017) says anything.
    public var citesLegacy: Bool {
        !(circular12Rows.isEmpty && decree85Articles.isEmpty && circular12Articles.isEmpty && circular39Items.isEmpty
            && circular31Articles.isEmpty && circular20Articles.isEmpty)
    }

    /// Whether the current regime (Decree 331/2026, TCVN 14423:2026) says anything.
    public var citesCurrent: Bool { !(tcvn14423Clauses.isEmpty && decree331Articles.isEmpty) }

    /// The legacy regime's citation in words, e.g. `TT 12/2022 Phụ lục III, mục II.2, STT 1.2.1
    /// (TCVN 11930:2017 mục 7.2.2.1)`; nil when it says nothing.
    public func legacyText(_ language: Language) -> String? {
        let vi = language == .vi
        var parts: [String] = []
        if !decree85Articles.isEmpty {
            parts.append((vi ? "NĐ 85/2016 Điều " : "Decree 85/2016 Art. ") + decree85Articles.joined(separator: ", "))
        }
        if !circular12Rows.isEmpty {
            let rows = circular12Rows.map { row in
                let place = Self.describe(row: row.row, language: language)
                guard let clause = row.tcvn11930 else { return place }
                return place + " (TCVN 11930:2017 " + (vi ? "mục " : "clause ") + clause + ")"
            }
            parts.append((vi ? "TT 12/2022 Phụ lục " : "Circular 12/2022 Appendix ") + appendix + ", " + rows.joined(separator: "; "))
        }
        if !circular12Articles.isEmpty {
            parts.append((vi ? "TT 12/2022 Điều " : "Circular 12/2022 Art. ") + circular12Articles.joined(separator: ", "))
        }
        if !circular39Items.isEmpty {
            parts.append((vi ? "TT 39/2017 mục " : "Circular 39/2017 item ") + circular39Items.joined(separator: ", "))
        }
        if !circular31Articles.isEmpty {
            parts.append((vi ? "TT 31/2017 Điều " : "Circular 31/2017 Art. ") + circular31Articles.joined(separator: ", "))
        }
        if !circular20Articles.isEmpty {
            parts.append((vi ? "TT 20/2017 Điều " : "Circular 20/2017 Art. ") + circular20Articles.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The current regime's citation in words; nil when it says nothing.
    public func currentText(_ language: Language) -> String? {
        let vi = language == .vi
        var parts: [String] = []
        if !decree331Articles.isEmpty {
            parts.append((vi ? "NĐ 331/2026 Điều " : "Decree 331/2026 Art. ") + decree331Articles.joined(separator: ", "))
        }
        if !tcvn14423Clauses.isEmpty {
            parts.append("TCVN 14423:2026 " + (vi ? "mục " : "clause ") + tcvn14423Clauses.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `II.2/1.2.1` as `mục II.2, STT 1.2.1`; `II.1/b.xi` as `mục II.1.b.xi`.
    static func describe(row: String, language: Language) -> String {
        let vi = language == .vi
        let section = row.split(separator: "/", maxSplits: 1).map(String.init)
        guard section.count == 2 else { return row }
        if section[0] == "II.1" { return (vi ? "mục " : "section ") + section[0] + "." + section[1] }
        return (vi ? "mục " : "section ") + section[0] + (vi ? ", STT " : ", row ") + section[1]
    }

    enum CodingKeys: String, CodingKey {
        case level, force, basis, note
        case circular12Rows = "tt12"
        case decree85Articles = "decree85"
        case circular12Articles = "tt12_articles"
        case circular39Items = "tt39"
        case circular31Articles = "tt31"
        case circular20Articles = "tt20"
        case tcvn14423Clauses = "tcvn14423"
        case decree331Articles = "nd331"
    }
}

/// Where a threshold a rule uses comes from, when no text states it exactly.
public struct ThresholdBasis: Sendable, Hashable, Codable {
    public var basis: LegalCitation.Basis
    public var text: LocalizedText

    public init(basis: LegalCitation.Basis, text: LocalizedText) {
        self.basis = basis
        self.text = text
    }
}
