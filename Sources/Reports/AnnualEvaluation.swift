public import CanhModel
public import Rules

/// Builds the annual report from the inventory and one compliance evaluation of the reporting
/// period. Pure, like the other evaluations: the same inputs give the same report.
public struct AnnualEvaluation: Sendable {
    public var pack: RulePack
    public var year: Int
    public var now: Timestamp

    public init(pack: RulePack, year: Int, now: Timestamp) {
        self.pack = pack
        self.year = year
        self.now = now
    }

    /// The years a report can be made for.
    public static let years = 2016...9999

    /// Circular 12/2022 Art. 13.3: 15/12 of the year before to 14/12.
    public var period: ReportPeriod {
        // `YYYY-annual` is always readable for a four-digit year.
        (try? ReportPeriod(parsing: "\(year)-annual")) ?? ReportPeriod.halfYear(containing: now)
    }

    /// `owner`: only that owner's systems (nil: all). `systems`: what the collector holds about
    /// each, as for a compliance report.
    /// `monitoring`: what was observed over the reporting period, for indicators 19 and 20.
    public func report(owner: String?, systems: [ComplianceEvaluation.SystemFacts], monitoring: MonitoringFacts) -> AnnualReport {
        let period = self.period
        let compliance = ComplianceEvaluation(pack: pack, period: period, now: now)
        let lastDay = LocalDate(period.end - .seconds(1))
        let inScope = systems.filter { owner == nil || $0.system.owner == owner }.sorted {
            ($0.system.owner, $0.system.name, $0.system.id) < ($1.system.owner, $1.system.name, $1.system.id)
        }
        var rows: [AnnualSystemRow] = []
        var totals = AnnualTotals()
        for facts in inScope {
            let system = facts.system
            let evaluated = compliance.evaluate(facts)
            let standing = AssessmentStanding(system, on: lastDay)
            let row = AnnualSystemRow(
                id: system.id, name: system.name, owner: system.owner, operatorUnit: system.operatorUnit,
                proposedLevel: system.proposedLevel ?? system.level, level: system.level, dossier: system.dossier,
                approval: system.approval, regulation: system.regulation,
                expectedApproval: system.dossier == .approved ? nil : system.expectedApproval, plan: system.plan,
                planExpected: system.plan == .full ? nil : system.planExpected,
                assessed: Assessment.Kind.allCases.filter { kind in standing.done.contains { $0.kind == kind } },
                latestAssessment: standing.latest, assessmentCurrent: standing.current, goLive: system.goLive,
                compliance: evaluated.summary,
                failed: evaluated.requirements.filter { $0.status == .fail }.map(\.id),
                indicators: PlanIndicators(system: system, hosts: facts.hosts, facts: monitoring, now: now))
            rows.append(row)
            totals.add(row, proposed: system.proposedLevel != nil)
        }
        let form: RegimeChoice.Regime = LocalDate(now) < RegimeChoice.decree331InForce ? .decree85 : .decree331
        return AnnualReport(
            generatedAt: now, rulesVersion: pack.version, year: year, period: period, owner: owner, form: form,
            deadlines: deadlines(form: form), totals: totals, owners: owners(inScope.map(\.system)), systems: rows)
    }

    private func deadlines(form: RegimeChoice.Regime) -> AnnualDeadlines {
        let today = LocalDate(now).daysSinceEpoch
        let toOwner = LocalDate(Int64(year), 12, 19)
        let onward = LocalDate(Int64(year), 12, 24)
        let recipient =
            form == .decree331
            ? LocalizedText(vi: "Bộ Công an (NĐ 331/2026 Điều 35.4.b)", en: "the Ministry of Public Security (Decree 331/2026 Art. 35.4.b)")
            : LocalizedText(
                vi: "Bộ Thông tin và Truyền thông (TT 12/2022 Điều 13.4.b)",
                en: "the Ministry of Information and Communications (Circular 12/2022 Art. 13.4.b)")
        return AnnualDeadlines(
            toOwner: toOwner.iso, daysToOwner: Int(toOwner.daysSinceEpoch - today), onward: onward.iso,
            daysOnward: Int(onward.daysSinceEpoch - today), recipient: recipient)
    }

    private func owners(_ systems: [InformationSystem]) -> [AnnualOwner] {
        Dictionary(grouping: systems, by: \.owner).map { name, systems in
            let units = Dictionary(grouping: systems.compactMap(\.securityUnit), by: { $0 }).mapValues(\.count)
            var contacts: [Contact] = []
            for contact in systems.compactMap(\.contact) where !contacts.contains(contact) { contacts.append(contact) }
            return AnnualOwner(
                name: name, securityUnits: units.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key), contacts: contacts)
        }.sorted { $0.name < $1.name }
    }
}

extension AnnualTotals {
    mutating func add(_ row: AnnualSystemRow, proposed: Bool) {
        systems += 1
        if row.indicators.indicator19 { indicator19 += 1 }
        if row.indicators.indicator20 { indicator20 += 1 }
        if proposed || row.dossier != .none { classified += 1 }
        if row.dossier != .none { dossierBuilt += 1 }
        if row.dossier == .appraised || row.dossier == .approved { appraised += 1 }
        guard row.dossier == .approved else {
            if let expected = row.expectedApproval {
                expectedCompletion = max(expectedCompletion ?? expected, expected)
            } else {
                withoutExpectedApproval += 1
            }
            return
        }
        approved += 1
        if row.assessmentCurrent { approvedAndAssessed += 1 }
    }
}
