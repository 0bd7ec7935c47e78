import CanhModel

/// The annual report as a document in the form's layout: header (owner, national motto, number
/// and subject, place and date), addressee, the three parts, recipients and signature, then the
/// annex and the report's identity. The DOCX is converted from this HTML without the banner,
/// which is a note for whoever prepares the document.
enum AnnualHTMLRenderer {
    static let style = """
        .banner { border: 2px solid #c62828; background: #fff3f3; padding: 6px 10px; margin-bottom: 12px; }
        .banner strong { color: #c62828; }
        table.form-header { width: 100%; border: none; margin-bottom: 10px; }
        table.form-header td { border: none; text-align: center; vertical-align: top; width: 50%; }
        .document-title { text-align: center; margin: 14px 0 10px; }
        .document-title strong { font-size: 13pt; }
        table.part3 th, table.part3 td { font-size: 8pt; }
        table.signature { width: 100%; border: none; margin-top: 18px; }
        table.signature td { border: none; vertical-align: top; width: 50%; }
        table.signature td.signer { text-align: center; padding-bottom: 28mm; }
        footer.identity { margin-top: 24px; border-top: 1px solid #bbb; padding-top: 6px; font-size: 8pt; }
        /* Part 3's twelve columns and the annex need the width of a landscape page. */
        @page wide { size: A4 landscape; margin: 14mm 12mm 16mm 12mm; }
        section.wide { page: wide; }

        """

    static func render(_ report: SealedReport<AnnualReport>, strings: ReportStrings, banner: Bool = true) -> String {
        let data = report.data
        let words = AnnualWords(language: strings.language, form: data.form)
        var document = HTMLDocument(title: "\(words.title) — \(words.heading(year: data.year))", strings: strings, extraStyle: style)
        if banner { self.banner(data, words: words, strings: strings, into: &document) }
        header(data, words: words, into: &document)
        part1(data.totals, words: words, strings: strings, into: &document)
        part2(data.owners, words: words, into: &document)
        // Part 3, the signature and the annex on landscape pages: twelve columns need the width.
        document.raw("<section class=\"wide\">\n")
        part3(data.systems, words: words, into: &document)
        signature(words: words, into: &document)
        annex(data.systems, words: words, strings: strings, into: &document)
        document.identity(
            [
                (strings.generatedAt, strings.formatDateTime(data.generatedAt)), (strings.rulesVersion, data.rulesVersion),
                (strings.period, "\(strings.formatDate(data.period.start)) – \(strings.formatDate(data.period.end - .seconds(1)))"),
            ], digest: report.digest, strings: strings)
        document.raw("</section>\n")
        return document.finish()
    }

    private static func banner(_ data: AnnualReport, words: AnnualWords, strings: ReportStrings, into document: inout HTMLDocument) {
        document.raw("<div class=\"banner\"><strong>")
        document.escaped(words.bannerNote)
        document.raw("</strong><br>")
        document.escaped(
            words.deadline(words.toOwner, date: words.date(data.deadlines.toOwner), days: data.deadlines.daysToOwner))
        document.raw("<br>")
        document.escaped(
            words.deadline(
                words.onward(data.deadlines.recipient[strings.language]), date: words.date(data.deadlines.onward),
                days: data.deadlines.daysOnward))
        document.raw("</div>\n")
    }

    private static func header(_ data: AnnualReport, words: AnnualWords, into document: inout HTMLDocument) {
        let owner = data.owner ?? (data.owners.count == 1 ? data.owners[0].name : words.ownerPlaceholder)
        document.raw("<table class=\"form-header\"><tr><td><strong>")
        document.escaped(owner.uppercased())
        document.raw("</strong><br>-------<br>")
        document.escaped(words.number)
        document.raw("<br>")
        document.escaped(words.subject)
        document.raw("</td><td><strong>")
        document.escaped(words.motto.0)
        document.raw("</strong><br><strong>")
        document.escaped(words.motto.1)
        document.raw("</strong><br>---------------<br><em>")
        document.escaped(words.placeAndDate(year: data.year))
        document.raw("</em></td></tr></table>\n<p class=\"document-title\"><strong>")
        document.escaped(words.title)
        document.raw("</strong><br>")
        document.escaped(words.heading(year: data.year))
        document.raw("<br><em>")
        document.escaped(
            words.dataPeriod(
                words.date(LocalDate(data.period.start).iso),
                words.date(LocalDate(data.period.end - .seconds(1)).iso)))
        document.raw("</em></p>\n<p>")
        document.escaped("\(words.addressee): \(data.deadlines.recipient[words.language]).")
        document.raw("</p>\n")
    }

    private static func part1(_ totals: AnnualTotals, words: AnnualWords, strings: ReportStrings, into document: inout HTMLDocument) {
        document.element("h2", words.part1)
        var completion =
            totals.expectedCompletion.map(words.date) ?? (totals.approved == totals.systems ? words.allApproved : AnnualWords.blank)
        if totals.withoutExpectedApproval > 0, totals.approved < totals.systems {
            completion += words.missingDates(totals.withoutExpectedApproval)
        }
        document.raw("<ul class=\"part1\">\n")
        for (label, value) in [
            (words.totalSystems, strings.formatInteger(totals.systems)), (words.classified, strings.formatInteger(totals.classified)),
            (words.dossierBuilt, strings.formatInteger(totals.dossierBuilt)), (words.appraised, strings.formatInteger(totals.appraised)),
            (words.approved, strings.formatInteger(totals.approved)),
            (words.approvedAndAssessed, strings.formatInteger(totals.approvedAndAssessed)), (words.expectedCompletion, completion),
        ] {
            document.element("li", "\(label): \(value);")
        }
        document.raw("</ul>\n")
    }

    private static func part2(_ owners: [AnnualOwner], words: AnnualWords, into document: inout HTMLDocument) {
        document.element("h2", words.part2)
        let blank = AnnualWords.blank
        for owner in owners {
            document.element("h3", words.ownerInfo)
            document.raw("<ul>\n")
            for line in [
                "\(words.name): \(owner.name)", "\(words.mandate): \(blank)", "\(words.representative): \(blank)",
                "\(words.address): \(blank)", "\(words.contact): \(blank)",
            ] {
                document.element("li", line)
            }
            document.raw("</ul>\n")
            document.element("h3", words.unitInfo)
            let contact = owner.contacts.first
            let representative = contact.map { [$0.name, $0.title].compactMap { $0 }.joined(separator: ", ") } ?? blank
            let reach = contact.map { [$0.phone, $0.email].compactMap { $0 }.joined(separator: ", ") }.flatMap { $0.isEmpty ? nil : $0 }
            document.raw("<ul>\n")
            for line in [
                "\(words.name): \(owner.securityUnits.isEmpty ? blank : owner.securityUnits.joined(separator: "; "))",
                "\(words.mandate): \(blank)", "\(words.representative): \(representative)", "\(words.address): \(blank)",
                "\(words.contact): \(reach ?? blank)",
            ] {
                document.element("li", line)
            }
            document.raw("</ul>\n")
        }
    }

    private static func part3(_ rows: [AnnualSystemRow], words: AnnualWords, into document: inout HTMLDocument) {
        document.element("h2", words.part3)
        document.raw("<table class=\"part3\">\n<thead>")
        document.row(words.columns, header: true)
        document.row((1...12).map { "(\($0))" }, header: true)
        document.raw("</thead>\n<tbody>\n")
        for (index, row) in rows.enumerated() {
            document.row([
                "\(index + 1)", row.name, row.owner, row.operatorUnit ?? "", "\(row.proposedLevel)", words.dossier(row.dossier),
                words.decision(row.approval), words.decision(row.regulation), words.date(row.expectedApproval), words.plan(row.plan),
                words.date(row.planExpected), words.assessed(row.assessed),
            ])
        }
        document.raw("</tbody>\n</table>\n")
    }

    private static func signature(words: AnnualWords, into document: inout HTMLDocument) {
        document.raw("<table class=\"signature\"><tr><td><strong><em>")
        document.escaped(words.recipientsLabel + ":")
        document.raw("</em></strong>")
        for line in words.recipients {
            document.raw("<br>- ")
            document.escaped(line)
        }
        document.raw("</td><td class=\"signer\"><strong>")
        document.escaped(words.signer.0)
        document.raw("</strong><br><em>")
        document.escaped(words.signer.1)
        document.raw("</em></td></tr></table>\n")
    }

    private static func annex(_ rows: [AnnualSystemRow], words: AnnualWords, strings: ReportStrings, into document: inout HTMLDocument) {
        document.element("h2", words.annex)
        document.element("p", words.annexNote, class: "muted")
        document.raw("<table>\n<thead>")
        document.row(words.annexColumns, header: true)
        document.raw("</thead>\n<tbody>\n")
        for row in rows {
            let counts = row.compliance
            document.row([
                row.id, "\(row.level)", strings.formatInteger(counts.total), strings.formatInteger(counts.pass),
                strings.formatInteger(counts.fail), strings.formatInteger(counts.notEvaluated), strings.formatInteger(counts.manual),
                row.failed.joined(separator: ", "),
            ])
        }
        document.raw("</tbody>\n</table>\n")
        HTMLRenderer.indicators(rows.map { ($0.id, $0.indicators) }, words: IndicatorWords(language: strings.language), into: &document)
    }
}
