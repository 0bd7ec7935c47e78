import CanhModel

/// What every page shows around its content: who is signed in, the navigation, the language
/// switch and a notice after an action.
struct ConsoleFrame {
    struct Link {
        var href: String
        var label: String
        var current: Bool
    }

    var language: String
    var words: [String: String]
    var signedIn: Bool
    var userName: String
    var roleLabel: String
    var csrf: String
    var navigation: [Link]
    var otherLanguage: String
    var otherLanguageLabel: String
    /// This page, percent-encoded, for the language switch to come back to.
    var back: String
    var notice: String?
    var generated: String

    /// The sections of the console, the audit log for admins only.
    static let sections: [(path: String, word: String, role: Role)] = [
        ("/ui/", "overview", .viewer), ("/ui/systems", "systems", .viewer), ("/ui/findings", "findings", .viewer),
        ("/ui/compliance", "compliance", .viewer),
        ("/ui/certificates", "certificates", .viewer), ("/ui/alerts", "alerts", .viewer), ("/ui/reports", "reports", .viewer),
        ("/ui/audit", "audit", .admin),
    ]

    init(visit: ConsoleVisit, path: String, query: String, notice: String?, now: Timestamp) {
        language = visit.language.rawValue
        words = ConsoleWords.table(visit.language)
        signedIn = visit.user != nil
        userName = visit.user?.name ?? ""
        roleLabel = visit.user.map { ConsoleFormat.role($0.role, visit.language) } ?? ""
        csrf = visit.csrfToken ?? ""
        let words = self.words
        let role = visit.user?.role
        navigation = Self.sections.filter { section in role.map { $0 >= section.role } ?? false }.map { section in
            Link(
                href: section.path, label: words[section.word] ?? section.word,
                current: section.path == "/ui/" ? path == "/ui" || path == "/ui/" : path.hasPrefix(section.path))
        }
        otherLanguage = visit.language == .vi ? "en" : "vi"
        otherLanguageLabel = visit.language == .vi ? "English" : "Tiếng Việt"
        back = ConsoleQuery.encode(query.isEmpty ? path : path + "?" + query)
        self.notice = notice
        generated = ConsoleFormat.time(now)
    }
}
