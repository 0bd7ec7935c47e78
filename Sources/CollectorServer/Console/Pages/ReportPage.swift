import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import Reports

/// Reports as the API writes them: choose one, its period and format, download it.
extension Console {
    func addReportRoutes(to group: RouterGroup<CollectorContext>) {
        group.get("reports") { request, context in
            let language = context.visit.language
            let vi = language == .vi
            _ = try context.visit.user(atLeast: .viewer)
            struct Card {
                var kind: String
                var title: String
                var help: String
                var periods: [Option]
                var years: [Option]
                var systems: [Option]
                var owners: [Option]
                var formats: [Option]
                var english: Bool
            }
            let time = now()
            let current = ReportPeriod.halfYear(containing: time)
            let previous = ReportPeriod.halfYear(containing: current.start - .days(1))
            let year = Int(LocalDate(time).year)
            let periods = [current.label, previous.label, String(year), String(year - 1)].enumerated().map {
                Option(value: $0.element, label: $0.element, selected: $0.offset == 0)
            }
            let systems = try await stored { () async throws(StoreError) in try await store.systems() }
            let systemOptions = systems.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: false) }
            let owners = Array(Set(systems.map(\.owner))).sorted().map { Option(value: $0, label: $0, selected: false) }
            func formats(_ offered: [ReportFormat]) -> [Option] {
                offered.map { Option(value: $0.rawValue, label: $0.rawValue.uppercased(), selected: $0 == .html) }
            }
            let cards = [
                Card(
                    kind: ReportKind.compliance.rawValue, title: vi ? "Báo cáo tuân thủ theo cấp độ" : "Compliance by level",
                    help: vi
                        ? "Từng yêu cầu của từng hệ thống ở cấp độ của nó, với bằng chứng và căn cứ pháp lý."
                        : "Every requirement of every system at its level, with evidence and legal citations.",
                    periods: periods, years: [], systems: systemOptions, owners: [], formats: formats([.html, .pdf, .csv, .json]),
                    english: !vi),
                Card(
                    kind: ReportKind.coverage.rawValue, title: vi ? "Báo cáo độ phủ giám sát" : "Monitoring coverage",
                    help: vi
                        ? "Hệ thống, máy chủ và chỉ tiêu 19, 20 theo cấp độ và chủ quản."
                        : "Systems, hosts and indicators 19 and 20 by level and owner.",
                    periods: periods, years: [], systems: [], owners: [], formats: formats([.html, .pdf, .csv, .json]), english: !vi),
                Card(
                    kind: ReportKind.annual.rawValue, title: vi ? "Báo cáo hằng năm (Mẫu 08)" : "Annual report (form Mẫu 08)",
                    help: vi
                        ? "Báo cáo năm gửi cơ quan chủ quản và Bộ Công an."
                        : "The yearly report to the owner and the Ministry of Public Security.",
                    periods: [],
                    years: [year, year - 1].enumerated().map {
                        Option(value: String($0.element), label: String($0.element), selected: $0.offset == 0)
                    },
                    systems: [], owners: owners, formats: formats([.docx, .pdf, .html, .csv, .json]), english: !vi),
            ]
            struct Body { var reports: [Card] }
            return page("reports", Body(reports: cards), request: request, context: context)
        }
        group.get("reports/download") { request, context in
            _ = try context.visit.user(atLeast: .viewer)
            let query = request.uri.queryParameters
            guard let kind = query.get("kind").flatMap(ReportKind.init(rawValue:)) else {
                throw HTTPError(.badRequest, message: "kind: compliance, coverage or annual")
            }
            // Empty choices of the form mean "all", as an absent parameter does for the API.
            let chosen = query.filter { !$0.value.isEmpty && $0.key != "kind" }
            var response = try await api.report(kind, query: Parameters(chosen))
            // Saved, not shown inside the console: a report is a document to keep and sign.
            if let disposition = response.headers[.contentDisposition] {
                response.headers[.contentDisposition] = disposition.replacingOccurrences(of: "inline;", with: "attachment;")
            }
            return response
        }
    }
}
