import CanhModel
import Foundation
import TestSupport
import Testing

@testable import CollectorServer

/// The console's templates as compiled into the binary: all parse, every word they use exists in
/// both languages, and nothing in them could run inline script or style (the CSP forbids it).
@Suite struct ConsoleTemplateTests {
    static let directory = ProcessRunner.repositoryRoot + "/Sources/CollectorServer/Console/Templates"

    @Test("every template parses and is compiled in")
    func parsed() throws {
        #expect(ConsoleTemplates.shared.problems.isEmpty, "\(ConsoleTemplates.shared.problems)")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".mustache") }
        #expect(Set(files.map { String($0.dropLast(".mustache".count)) }) == Set(ConsoleTemplates.sources.map(\.name)))
    }

    @Test("every {{w.key}} of the templates has Vietnamese and English words")
    func words() throws {
        var missing: [String] = []
        for source in ConsoleTemplates.sources {
            let text = String(decoding: source.bytes, as: UTF8.self)
            for match in text.matches(of: /\{\{w\.([A-Za-z]+)\}\}/) {
                let key = String(match.1)
                for language in Language.allCases where ConsoleWords.table(language)[key]?.isEmpty ?? true {
                    missing.append("\(source.name): \(key) (\(language.rawValue))")
                }
            }
        }
        #expect(missing.isEmpty, "\(missing)")
        #expect(Set(ConsoleWords.entries.map(\.key)).count == ConsoleWords.entries.count, "a key is given twice")
    }

    @Test("no template writes unescaped values, inline script, inline style or a resource from another host")
    func nothingInline() {
        for source in ConsoleTemplates.sources {
            let text = String(decoding: source.bytes, as: UTF8.self)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(source.name) writes a value unescaped")
            #expect(!text.contains("<script>") && !text.contains("<style") && !text.contains(" style="), "\(source.name)")
            #expect(text.matches(of: /\son[a-z]+=/).isEmpty, "\(source.name) has an inline handler")
            #expect(!text.contains("http://") && !text.contains("https://"), "\(source.name) names another host")
        }
    }

    @Test("a name with markup and a control character is shown as text")
    func escaping() throws {
        let visit = ConsoleVisit(language: .en, address: "127.0.0.1")
        let frame = ConsoleFrame(
            visit: visit, path: "/ui/", query: "", notice: "<img src=x onerror=alert(1)>", now: Timestamp.at("2026-12-04T00:00:00Z"))
        let html = try #require(
            ConsoleTemplates.shared.render(
                "error", frame: frame, body: ["status": "400", "message": "\"><script>alert(1)</script>", "back": "/ui/"]))
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("07:00"), "times are in Vietnam's")
    }
}
