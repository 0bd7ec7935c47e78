/// The languages Canh speaks to its users; Vietnamese is the default.
public enum Language: String, Sendable, Hashable, CaseIterable, Codable {
    case vi, en
}

/// A user-facing text in Vietnamese and English.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    public subscript(language: Language) -> String {
        switch language {
        case .vi: vi
        case .en: en
        }
    }
}
