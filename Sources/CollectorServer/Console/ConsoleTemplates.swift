import Foundation
import Mustache

/// The console's templates, compiled into the binary (no files to install or to lose) and
/// parsed once at start-up. Every `{{value}}` is HTML-escaped by the engine; the templates
/// use no triple mustaches.
struct ConsoleTemplates: Sendable {
    enum Failure: Error, CustomStringConvertible, @unchecked Sendable {
        case template(String, any Error)
        var description: String {
            switch self {
            case .template(let name, let error): "console template \(name): \(error)"
            }
        }
    }

    static let sources: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("signin", PackageResources.signin_mustache),
        ("error", PackageResources.error_mustache), ("overview", PackageResources.overview_mustache),
        ("systems", PackageResources.systems_mustache), ("system", PackageResources.system_mustache),
        ("filter", PackageResources.filter_mustache), ("actions", PackageResources.actions_mustache),
        ("findings", PackageResources.findings_mustache), ("confirm", PackageResources.confirm_mustache),
        ("finding", PackageResources.finding_mustache), ("certificates", PackageResources.certificates_mustache),
        ("alerts", PackageResources.alerts_mustache), ("audit", PackageResources.audit_mustache),
        ("reports", PackageResources.reports_mustache), ("compliance", PackageResources.compliance_mustache),
        ("requirement", PackageResources.requirement_mustache),
    ]

    static let stylesheet = PackageResources.console_css
    static let script = PackageResources.console_js

    /// Parsed once per process.
    static let shared = ConsoleTemplates()

    let library: MustacheLibrary
    /// Templates that did not parse (a test keeps this empty; a page that needs one says so).
    let problems: [Failure]

    private init() {
        var library = MustacheLibrary()
        var problems: [Failure] = []
        for (name, bytes) in Self.sources {
            do {
                try library.register(String(decoding: bytes, as: UTF8.self), named: name)
            } catch {
                problems.append(.template(name, error))
            }
        }
        self.library = library
        self.problems = problems
    }

    /// The page `name` with its data and the frame every page shares.
    func render(_ name: String, frame: ConsoleFrame, body: Any) -> String? {
        library.render(ConsolePage(frame: frame, w: frame.words, body: body), withTemplate: name)
    }
}

/// What a template sees: the frame (who, language, navigation), the words, the page's data.
struct ConsolePage {
    var frame: ConsoleFrame
    var w: [String: String]
    var body: Any
}
