import CanhModel

/// The HTML format (and, printed by Chromium, the PDF): self-contained and printable.
enum HTMLRenderer {
    static func render(_ report: SealedReport<ComplianceReport>, strings: ReportStrings) -> String {
        let data = report.data
        var document = HTMLDocument(
            title: strings.complianceTitle,
            metadata: [
                (
                    strings.system,
                    data.scope.map { scope in data.systems.first.map { "\($0.system.name) (\(scope))" } ?? scope }
                        ?? strings.allSystems
                ),
                (
                    strings.period,
                    "\(data.period.label): \(strings.formatDate(data.period.start)) – "
                        + strings.formatDate(data.period.end - .seconds(1))
                ),
                (strings.generatedAt, strings.formatDateTime(data.generatedAt)),
                (strings.rulesVersion, data.rulesVersion),
            ], digest: report.digest, strings: strings)
        if data.scope == nil { overview(data, strings: strings, into: &document) }
        for system in data.systems { section(system, strings: strings, into: &document) }
        return document.finish()
    }

    /// `--all`: one line per system before the sections.
    private static func overview(_ data: ComplianceReport, strings: ReportStrings, into document: inout HTMLDocument) {
        document.element("h2", strings.summary)
        document.raw("<table>\n<thead>")
        document.row(
            [strings.system, strings.level, strings.owner, strings.applicable] + ComplianceStatus.allCases.map(strings.statusName)
                + [strings.met], header: true)
        document.raw("</thead>\n<tbody>\n")
        for system in data.systems {
            let counts = system.summary
            document.row(
                [
                    "\(system.system.name) (\(system.system.id))", "\(system.system.level)", system.system.owner,
                    strings.formatInteger(counts.total),
                ] + ComplianceStatus.allCases.map { strings.formatInteger(counts[$0]) }
                    + [strings.formatPercent(counts.met, counts.total)])
        }
        document.raw("</tbody>\n</table>\n")
    }

    private static func section(_ compliance: SystemCompliance, strings: ReportStrings, into document: inout HTMLDocument) {
        let system = compliance.system
        document.raw("<section class=\"system\" id=\"system-\(system.id)\">\n")
        document.element("h2", "\(system.name) (\(system.id))")
        document.raw("<dl class=\"facts\">\n")
        for (name, value) in [
            (strings.owner, system.owner), (strings.operatorUnit, system.operatorUnit ?? strings.none),
            (strings.level, "\(system.level)"), (strings.dossier, strings.dossierStatus(system.dossier)),
            (strings.decision, [system.decisionNumber, system.decisionDate].compactMap { $0 }.joined(separator: ", ")),
            (strings.goLive, system.goLive ?? ""), (strings.regime, strings.regimeText(compliance.regime)),
        ] where !value.isEmpty {
            document.element("dt", name)
            document.element("dd", value)
        }
        document.raw("</dl>\n<div class=\"summary\">\n<div>")
        document.escaped(strings.applicable)
        document.raw("<strong>\(strings.formatInteger(compliance.summary.total))</strong></div>\n")
        for status in ComplianceStatus.allCases {
            document.raw("<div>")
            document.badge(status, strings: strings)
            document.raw("<strong>\(strings.formatInteger(compliance.summary[status]))</strong></div>\n")
        }
        document.raw("<div>")
        document.escaped(strings.met)
        document.raw("<strong>\(strings.formatPercent(compliance.summary.met, compliance.summary.total))</strong></div>\n</div>\n")
        document.raw("<div class=\"charts\">\n")
        let areas = Dictionary(grouping: compliance.requirements, by: \.area)
        SVGChart.stackedBars(
            rows: ["network", "server", "application", "data", "design", "management"].compactMap { area in
                areas[area].map { requirements in
                    (
                        strings.areaName(area),
                        HTMLDocument.statusColours.map { status, colour in (requirements.count { $0.status == status }, colour) }
                    )
                }
            },
            legend: HTMLDocument.statusColours.map { (strings.statusName($0.0), $0.1) }, caption: strings.chartByArea, into: &document)
        SVGChart.certificateColumns(
            CertificateBin.bins(daysLeft: compliance.certificates.map(\.daysLeft)), strings: strings, into: &document)
        document.raw("</div>\n")
        hosts(compliance.hosts, strings: strings, into: &document)
        requirements(compliance.requirements, regime: compliance.regime, strings: strings, into: &document)
        certificates(compliance.certificates.map { ($0, nil) }, title: strings.certificates, strings: strings, into: &document)
        document.raw("</section>\n")
    }

    private static func hosts(_ hosts: [HostSummary], strings: ReportStrings, into document: inout HTMLDocument) {
        document.element("h3", strings.hosts)
        guard !hosts.isEmpty else {
            document.element("p", strings.noHosts, class: "muted")
            return
        }
        document.raw("<table>\n<thead>")
        document.row([strings.hostname, strings.agentID, strings.hostStatus, strings.lastSeen, strings.rulesVersion], header: true)
        document.raw("</thead>\n<tbody>\n")
        for host in hosts {
            document.row([
                host.hostname, host.agentID, strings.hostStatusName(host.status),
                host.lastSeen.map(strings.formatDateTime) ?? strings.never,
                host.rulesVersion ?? "",
            ])
        }
        document.raw("</tbody>\n</table>\n")
    }

    private static func requirements(
        _ requirements: [RequirementCompliance], regime: RegimeChoice, strings: ReportStrings, into document: inout HTMLDocument
    ) {
        document.element("h3", strings.requirements)
        document.raw("<table class=\"requirements\">\n<thead>")
        document.row([strings.requirement, strings.area, strings.status, strings.evidence, strings.lastChecked], header: true)
        document.raw("</thead>\n<tbody>\n")
        for requirement in requirements {
            document.raw("<tr><td><strong>")
            document.escaped(requirement.id)
            document.raw("</strong> <span class=\"muted\">(")
            document.escaped(strings.checkKind(requirement.check))
            document.raw(")</span><br>")
            document.escaped(requirement.text[strings.language])
            for line in strings.citationLines(requirement, regime: regime) {
                document.raw("<br><span class=\"muted\">")
                document.escaped(line)
                document.raw("</span>")
            }
            document.raw("</td>")
            document.element("td", strings.areaName(requirement.area))
            document.raw("<td>")
            document.badge(requirement.status, strings: strings)
            document.raw("</td><td>")
            document.escaped(strings.reasonText(requirement.reason))
            evidence(requirement, strings: strings, into: &document)
            document.raw("</td>")
            document.element("td", requirement.lastChecked.map(strings.formatDateTime) ?? strings.never)
            document.raw("</tr>\n")
        }
        document.raw("</tbody>\n</table>\n")
    }

    private static func evidence(_ requirement: RequirementCompliance, strings: ReportStrings, into document: inout HTMLDocument) {
        var items: [String] = []
        if let facts = requirement.inventoryEvidence { items.append(facts[strings.language]) }
        if let attestation = requirement.attestation {
            items.append(
                "\(strings.attestedBy): \(attestation.attestedBy), \(strings.attestedAt.lowercased()) "
                    + "\(strings.formatDate(attestation.attestedAt)), \(strings.expiresAt.lowercased()) "
                    + "\(strings.formatDate(attestation.expiresAt)): \(attestation.evidence)")
        }
        if !requirement.hosts.isEmpty { items.append("\(strings.hosts): \(requirement.hosts.joined(separator: ", "))") }
        for proof in requirement.proof {
            items.append(
                "\(strings.provedBy): \(proof.rule) · \(proof.entity) @ \(proof.host) · \(strings.formatDateTime(proof.observedAt))")
        }
        if !requirement.unproven.isEmpty { items.append("\(strings.unprovenOn): \(requirement.unproven.joined(separator: ", "))") }
        for finding in requirement.findings {
            var line =
                "\(finding.rule) · \(finding.entity) @ \(finding.host) · \(strings.severityName(finding.severity)) · "
                + "\(strings.findingStatusName(finding.status)) · \(strings.count.lowercased()) \(strings.formatInteger(finding.count)) · "
                + strings.formatDate(finding.lastSeen)
            if let until = finding.exceptedUntil { line += " (\(strings.exceptedUntil) \(strings.formatDate(until)))" }
            if let reason = finding.reason, !reason.isEmpty { line += ": \(reason)" }
            items.append(line)
        }
        if requirement.findingsTotal > requirement.findings.count {
            items.append(strings.andMore(requirement.findingsTotal - requirement.findings.count))
        }
        guard !items.isEmpty || !requirement.remediation.isEmpty else { return }
        document.raw("<ul class=\"evidence\">")
        for item in items { document.element("li", item) }
        for remediation in requirement.remediation {
            document.raw("<li class=\"remediation\">")
            document.element("strong", "\(strings.remediation) (\(remediation.rule)):")
            document.escaped(" " + remediation.text[strings.language])
            for reference in remediation.references { document.escaped(" " + reference) }
            document.raw("</li>")
        }
        document.raw("</ul>")
    }

    private static func certificates(
        _ certificates: [(CertificateSummary, [String]?)], title: String, strings: ReportStrings, into document: inout HTMLDocument
    ) {
        document.element("h3", title)
        guard !certificates.isEmpty else {
            document.element("p", strings.noCertificates, class: "muted")
            return
        }
        let withSystems = certificates.contains { $0.1 != nil }
        document.raw("<table>\n<thead>")
        document.row(
            [strings.subject, strings.notAfter, strings.daysLeft] + (withSystems ? [strings.system] : []) + [strings.locations],
            header: true)
        document.raw("</thead>\n<tbody>\n")
        for (certificate, systems) in certificates {
            document.raw("<tr>")
            document.element("td", certificate.subject)
            document.element("td", strings.formatDate(certificate.notAfter))
            document.raw("<td class=\"number\">\(strings.formatInteger(certificate.daysLeft))</td>")
            if let systems { document.element("td", systems.joined(separator: ", ")) }
            document.element("td", certificate.locations.joined(separator: ", "))
            document.raw("</tr>\n")
        }
        document.raw("</tbody>\n</table>\n")
    }

    static func render(_ report: SealedReport<CoverageReport>, strings: ReportStrings) -> String {
        let data = report.data
        var document = HTMLDocument(
            title: strings.coverageTitle,
            metadata: [
                (
                    strings.period,
                    "\(data.period.label): \(strings.formatDate(data.period.start)) – \(strings.formatDate(data.period.end - .seconds(1)))"
                ),
                (strings.generatedAt, strings.formatDateTime(data.generatedAt)), (strings.rulesVersion, data.rulesVersion),
            ], digest: report.digest, strings: strings)
        let words = IndicatorWords(language: strings.language)
        document.element("h2", strings.indicators)
        document.raw("<div class=\"summary\">\n")
        for (name, part) in [
            (words.indicator19, data.totals.indicator19), (words.indicator20, data.totals.indicator20),
            (strings.indicatorApproved, data.totals.approved),
            (strings.indicatorMonitored(data.monitoredWithinHours), data.totals.monitored),
        ] {
            document.raw("<div>")
            document.escaped(name)
            document.raw("<strong>\(strings.formatInteger(part)) / \(strings.formatInteger(data.totals.systems)) · ")
            document.raw("\(strings.formatPercent(part, data.totals.systems))</strong></div>\n")
        }
        document.raw("<div>")
        document.escaped(strings.withoutHosts)
        document.raw("<strong>\(strings.formatInteger(data.totals.withoutHosts))</strong></div>\n</div>\n")
        indicators(data.systems.map { ($0.id, $0.indicators) }, words: words, into: &document)
        document.element("h3", strings.hostCounts)
        document.raw("<table>\n<thead>")
        document.row(
            [strings.totalHosts] + [EnrolledHost.Status.active, .stale, .revoked].map(strings.hostStatusName), header: true)
        document.raw("</thead>\n<tbody>\n")
        document.row([data.hosts.total, data.hosts.active, data.hosts.stale, data.hosts.revoked].map(strings.formatInteger))
        document.raw("</tbody>\n</table>\n")
        breakdown(
            strings.byLevel, rows: data.byLevel.map { ("\(strings.level) \($0.level)", $0.counts) }, strings: strings, into: &document)
        breakdown(strings.byOwner, rows: data.byOwner.map { ($0.owner, $0.counts) }, strings: strings, into: &document)
        document.raw("<div class=\"charts\">\n")
        SVGChart.certificateColumns(data.certificateBins, strings: strings, into: &document)
        document.raw("</div>\n")
        document.element("h3", strings.staleHosts)
        if data.staleHosts.isEmpty {
            document.element("p", strings.none, class: "muted")
        } else {
            document.raw("<table>\n<thead>")
            document.row([strings.systemID, strings.hostname, strings.agentID, strings.lastSeen], header: true)
            document.raw("</thead>\n<tbody>\n")
            for host in data.staleHosts {
                document.row([host.system, host.hostname, host.agentID, host.lastSeen.map(strings.formatDateTime) ?? strings.never])
            }
            document.raw("</tbody>\n</table>\n")
        }
        certificates(
            data.expiringCertificates.map { ($0.certificate, $0.systems) },
            title: strings.expiringCertificates(data.certificatesWithinDays),
            strings: strings, into: &document)
        document.element("h2", strings.system)
        document.raw("<table>\n<thead>")
        document.row(
            [
                strings.systemID, strings.system, strings.owner, strings.level, strings.dossier, strings.hosts, strings.lastSeen,
                strings.monitored,
            ],
            header: true)
        document.raw("</thead>\n<tbody>\n")
        for system in data.systems {
            document.row([
                system.id, system.name, system.owner, "\(system.level)",
                dossier(system.dossier, decision: [system.decisionNumber, system.decisionDate], strings: strings),
                strings.formatInteger(system.hosts), system.lastSeen.map(strings.formatDateTime) ?? strings.never,
                system.monitored ? strings.yes : strings.no,
            ])
        }
        document.raw("</tbody>\n</table>\n")
        return document.finish()
    }

    /// Indicators 19 and 20 system by system, then the systems no host reports for.
    static func indicators(_ systems: [(String, PlanIndicators)], words: IndicatorWords, into document: inout HTMLDocument) {
        document.element("h3", words.title)
        document.raw("<table>\n<thead>")
        document.row(words.columns, header: true)
        document.raw("</thead>\n<tbody>\n")
        for (id, indicators) in systems { document.row(words.row(id: id, indicators)) }
        document.raw("</tbody>\n</table>\n")
        let withoutHosts = systems.filter { $0.1.hosts == 0 }
        guard !withoutHosts.isEmpty else { return }
        document.element(
            "p",
            "\(words.withoutHosts): "
                + withoutHosts.map { id, indicators in
                    indicators.monitoredElsewhere.map { "\(id) (\(words.elsewhere($0)))" } ?? id
                }.joined(separator: ", "))
    }

    /// `Đã phê duyệt (1234/QĐ-UBND, 2025-06-30)`.
    private static func dossier(_ status: DossierStatus, decision: [String?], strings: ReportStrings) -> String {
        let parts = decision.compactMap { $0 }
        return strings.dossierStatus(status) + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }

    private static func breakdown(
        _ title: String, rows: [(String, CoverageCounts)], strings: ReportStrings, into document: inout HTMLDocument
    ) {
        document.element("h3", title)
        document.raw("<table>\n<thead>")
        document.row(
            [
                "", strings.systemsCount, strings.approvedCount, strings.share, strings.monitoredCount, strings.share, strings.withoutHosts,
                "19", strings.share, "20", strings.share,
            ],
            header: true)
        document.raw("</thead>\n<tbody>\n")
        for (name, counts) in rows {
            document.row([
                name, strings.formatInteger(counts.systems), strings.formatInteger(counts.approved),
                strings.formatPercent(counts.approved, counts.systems), strings.formatInteger(counts.monitored),
                strings.formatPercent(counts.monitored, counts.systems), strings.formatInteger(counts.withoutHosts),
                strings.formatInteger(counts.indicator19), strings.formatPercent(counts.indicator19, counts.systems),
                strings.formatInteger(counts.indicator20), strings.formatPercent(counts.indicator20, counts.systems),
            ])
        }
        document.raw("</tbody>\n</table>\n")
    }
}
