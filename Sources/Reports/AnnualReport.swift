public import CanhModel

/// The yearly report the law asks of every owner (Circular 12/2022 Art. 13–14; Decree 331/2026
/// Art. 35–36 and its form Mẫu 08): data from 15/12 of the year before to 14/12, sent by the
/// security unit and operators to the owner before 20/12 and by the owner onwards before 25/12.
/// Its three parts follow the form; the annex adds what Canh observed of each system.
public struct AnnualReport: Sendable, Hashable, Codable {
    public var generatedAt: Timestamp
    public var rulesVersion: String
    public var year: Int
    /// 15/12 of the year before to 14/12, in Vietnam's time.
    public var period: ReportPeriod
    /// `--owner NAME`, or nil for every owner of the inventory.
    public var owner: String?
    /// The form the report follows: Decree 331/2026's Mẫu 08 once it is in force, else Circular
    /// 12/2022 Art. 14.
    public var form: RegimeChoice.Regime
    public var deadlines: AnnualDeadlines
    public var totals: AnnualTotals
    public var owners: [AnnualOwner]
    public var systems: [AnnualSystemRow]

    public init(
        generatedAt: Timestamp, rulesVersion: String, year: Int, period: ReportPeriod, owner: String?, form: RegimeChoice.Regime,
        deadlines: AnnualDeadlines, totals: AnnualTotals, owners: [AnnualOwner], systems: [AnnualSystemRow]
    ) {
        self.generatedAt = generatedAt
        self.rulesVersion = rulesVersion
        self.year = year
        self.period = period
        self.owner = owner
        self.form = form
        self.deadlines = deadlines
        self.totals = totals
        self.owners = owners
        self.systems = systems
    }

    enum CodingKeys: String, CodingKey {
        case year, period, owner, form, deadlines, totals, owners, systems
        case generatedAt = "generated_at"
        case rulesVersion = "rules_version"
    }
}

/// The two deadlines of the year (Circular 12/2022 Art. 13.4; Decree 331/2026 Art. 35.4) and the
/// days left to each when the report was made (negative once passed).
public struct AnnualDeadlines: Sendable, Hashable, Codable {
    /// The last day the security unit and operators may send it to the owner (before 20/12).
    public var toOwner: String
    public var daysToOwner: Int
    /// The last day the owner may send it on (before 25/12).
    public var onward: String
    public var daysOnward: Int
    /// Who the owner sends it to.
    public var recipient: LocalizedText

    public init(toOwner: String, daysToOwner: Int, onward: String, daysOnward: Int, recipient: LocalizedText) {
        self.toOwner = toOwner
        self.daysToOwner = daysToOwner
        self.onward = onward
        self.daysOnward = daysOnward
        self.recipient = recipient
    }

    enum CodingKeys: String, CodingKey {
        case onward, recipient
        case toOwner = "to_owner"
        case daysToOwner = "days_to_owner"
        case daysOnward = "days_onward"
    }
}

/// Part 1 of Mẫu 08.
public struct AnnualTotals: Sendable, Hashable, Codable {
    /// In scope.
    public var systems = 0
    /// Classified: a level proposed, or a dossier begun.
    public var classified = 0
    /// A dossier built (drafting or beyond).
    public var dossierBuilt = 0
    /// Appraised or approved.
    public var appraised = 0
    public var approved = 0
    /// Approved, and assessed within the level's period by the end of the reporting period.
    public var approvedAndAssessed = 0
    /// When every system is expected to be approved: the latest expected approval date of those
    /// not approved; nil when all are approved or no date is known.
    public var expectedCompletion: String?
    /// Systems not approved that have no expected approval date.
    public var withoutExpectedApproval = 0
    /// Indicators 19 and 20 of plan 155/KH-UBND.
    public var indicator19 = 0
    public var indicator20 = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case systems, classified, appraised, approved
        case dossierBuilt = "dossier_built"
        case approvedAndAssessed = "approved_and_assessed"
        case expectedCompletion = "expected_completion"
        case withoutExpectedApproval = "without_expected_approval"
        case indicator19 = "indicator_19"
        case indicator20 = "indicator_20"
    }
}

/// Part 2 of Mẫu 08 for one owner: what the inventory knows of it and its security unit. The
/// owner's mandate, representative and address are not in the inventory: the form leaves them
/// to be filled in.
public struct AnnualOwner: Sendable, Hashable, Codable {
    public var name: String
    /// The security units its systems name, most named first.
    public var securityUnits: [String]
    /// The security contacts its systems name.
    public var contacts: [Contact]

    public init(name: String, securityUnits: [String], contacts: [Contact]) {
        self.name = name
        self.securityUnits = securityUnits
        self.contacts = contacts
    }

    enum CodingKeys: String, CodingKey {
        case name, contacts
        case securityUnits = "security_units"
    }
}

/// Part 3 of Mẫu 08: one system's twelve columns, and the annex's compliance figures.
public struct AnnualSystemRow: Sendable, Hashable, Codable {
    public var id: String
    /// (2)
    public var name: String
    /// (3)
    public var owner: String
    /// (4)
    public var operatorUnit: String?
    /// (5): the proposed level, or the judged one when none is recorded.
    public var proposedLevel: Level
    public var level: Level
    /// (6)
    public var dossier: DossierStatus
    /// (7)
    public var approval: Decision?
    /// (8)
    public var regulation: Decision?
    /// (9), while not approved.
    public var expectedApproval: String?
    /// (10)
    public var plan: PlanImplementation
    /// (11), while not fully carried out.
    public var planExpected: String?
    /// (12): the kinds of assessment done by the end of the period, oldest kind first.
    public var assessed: [Assessment.Kind]
    /// The newest assessment by the end of the period.
    public var latestAssessment: Assessment?
    /// Whether that assessment is within the level's period (Decree 85/2016 Art. 20.2.c).
    public var assessmentCurrent: Bool
    public var goLive: String?
    /// Annex: the compliance evaluation of the period at the judged level.
    public var compliance: StatusCounts
    /// Annex: the requirements that failed, by id.
    public var failed: [String]
    /// Annex: indicators 19 and 20 of plan 155/KH-UBND over the reporting period.
    public var indicators: PlanIndicators

    public init(
        id: String, name: String, owner: String, operatorUnit: String?, proposedLevel: Level, level: Level, dossier: DossierStatus,
        approval: Decision?, regulation: Decision?, expectedApproval: String?, plan: PlanImplementation, planExpected: String?,
        assessed: [Assessment.Kind], latestAssessment: Assessment?, assessmentCurrent: Bool, goLive: String?, compliance: StatusCounts,
        failed: [String], indicators: PlanIndicators
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.operatorUnit = operatorUnit
        self.proposedLevel = proposedLevel
        self.level = level
        self.dossier = dossier
        self.approval = approval
        self.regulation = regulation
        self.expectedApproval = expectedApproval
        self.plan = plan
        self.planExpected = planExpected
        self.assessed = assessed
        self.latestAssessment = latestAssessment
        self.assessmentCurrent = assessmentCurrent
        self.goLive = goLive
        self.compliance = compliance
        self.failed = failed
        self.indicators = indicators
    }

    enum CodingKeys: String, CodingKey {
        case id, name, owner, level, dossier, approval, regulation, plan, assessed, compliance, failed, indicators
        case operatorUnit = "operator"
        case proposedLevel = "proposed_level"
        case expectedApproval = "expected_approval"
        case planExpected = "plan_expected"
        case latestAssessment = "latest_assessment"
        case assessmentCurrent = "assessment_current"
        case goLive = "go_live"
    }
}
