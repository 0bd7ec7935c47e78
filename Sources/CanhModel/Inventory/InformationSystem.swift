/// An information system (*hệ thống thông tin*) of SPEC §2: what a level dossier is made for and
/// what compliance is judged on.
public struct InformationSystem: Sendable, Hashable, Codable {
    /// A slug chosen by the province, e.g. `hy-dvc` (lower-case letters, digits, dashes).
    public var id: String
    public var name: String
    /// The owner (*chủ quản*), e.g. the Provincial People's Committee.
    public var owner: String
    /// The operating unit (*đơn vị vận hành*).
    public var operatorUnit: String?
    public var level: Level
    public var dossier: DossierStatus
    /// The number of the decision approving the level, e.g. `1234/QĐ-UBND`.
    public var decisionNumber: String?
    /// The decision's date, `YYYY-MM-DD`.
    public var decisionDate: String?

    public init(
        id: String, name: String, owner: String, operatorUnit: String? = nil, level: Level, dossier: DossierStatus = .none,
        decisionNumber: String? = nil, decisionDate: String? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.operatorUnit = operatorUnit
        self.level = level
        self.dossier = dossier
        self.decisionNumber = decisionNumber
        self.decisionDate = decisionDate
    }

    enum CodingKeys: String, CodingKey {
        case id, name, owner, level, dossier
        case operatorUnit = "operator"
        case decisionNumber = "decision_number"
        case decisionDate = "decision_date"
    }

    /// Whether `id` is a usable slug: 1 to 64 of `a-z`, `0-9` and `-`, not starting with `-`.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.first != "-"
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Where the level dossier (*hồ sơ đề xuất cấp độ*) stands.
public enum DossierStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none, submitted, approved
}
