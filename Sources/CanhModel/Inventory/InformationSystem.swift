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
    /// The level the system is judged at: the approved one once approved, else the one proposed.
    public var level: Level
    /// The level the dossier proposes (*cấp độ đề xuất*), when it differs from or precedes `level`.
    public var proposedLevel: Level?
    public var dossier: DossierStatus
    /// The number of the decision approving the level, e.g. `1234/QĐ-UBND`.
    public var decisionNumber: String?
    /// The decision's date, `YYYY-MM-DD`.
    public var decisionDate: String?
    /// Who issued it, e.g. `UBND tỉnh Hưng Yên`.
    public var decisionIssuer: String?
    /// The appraisal (*thẩm định*) of the dossier.
    public var appraisal: Decision?
    /// When approval is expected, `YYYY-MM-DD`, while the dossier is not approved.
    public var expectedApproval: String?
    /// The decision issuing the internal security regulation (*Quy chế bảo đảm an toàn hệ thống
    /// thông tin*), which TT12 Art. 9.7 requires before the dossier is approved.
    public var regulation: Decision?
    /// The specialised security unit (*đơn vị chuyên trách về an toàn thông tin*).
    public var securityUnit: String?
    public var contact: Contact?
    /// When the system went into use, `YYYY-MM-DD`: it decides the regime reports cite.
    public var goLive: String?
    /// How much of the approved security plan is carried out.
    public var plan: PlanImplementation
    /// When full implementation is expected, `YYYY-MM-DD`, while it is not full.
    public var planExpected: String?
    /// Security assessments (*kiểm tra, đánh giá*), oldest first.
    public var assessments: [Assessment]
    /// Monitoring and alerting by other means than Canh's agents (a SOC service, say), for
    /// indicator 20 of plan 155/KH-UBND: who, the evidence, and until when it holds.
    public var monitoredElsewhere: ExternalMonitoring?

    public init(
        id: String, name: String, owner: String, operatorUnit: String? = nil, level: Level, proposedLevel: Level? = nil,
        dossier: DossierStatus = .none, decisionNumber: String? = nil, decisionDate: String? = nil, decisionIssuer: String? = nil,
        appraisal: Decision? = nil, expectedApproval: String? = nil, regulation: Decision? = nil, securityUnit: String? = nil,
        contact: Contact? = nil, goLive: String? = nil, plan: PlanImplementation = .none, planExpected: String? = nil,
        assessments: [Assessment] = [], monitoredElsewhere: ExternalMonitoring? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.operatorUnit = operatorUnit
        self.level = level
        self.proposedLevel = proposedLevel
        self.dossier = dossier
        self.decisionNumber = decisionNumber
        self.decisionDate = decisionDate
        self.decisionIssuer = decisionIssuer
        self.appraisal = appraisal
        self.expectedApproval = expectedApproval
        self.regulation = regulation
        self.securityUnit = securityUnit
        self.contact = contact
        self.goLive = goLive
        self.plan = plan
        self.planExpected = planExpected
        self.assessments = assessments
        self.monitoredElsewhere = monitoredElsewhere
    }

    /// Older stores and clients send none of the facts added later; they decode as unknown.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        owner = try container.decode(String.self, forKey: .owner)
        operatorUnit = try container.decodeIfPresent(String.self, forKey: .operatorUnit)
        level = try container.decode(Level.self, forKey: .level)
        proposedLevel = try container.decodeIfPresent(Level.self, forKey: .proposedLevel)
        dossier = try container.decodeIfPresent(DossierStatus.self, forKey: .dossier) ?? .none
        decisionNumber = try container.decodeIfPresent(String.self, forKey: .decisionNumber)
        decisionDate = try container.decodeIfPresent(String.self, forKey: .decisionDate)
        decisionIssuer = try container.decodeIfPresent(String.self, forKey: .decisionIssuer)
        appraisal = try container.decodeIfPresent(Decision.self, forKey: .appraisal)
        expectedApproval = try container.decodeIfPresent(String.self, forKey: .expectedApproval)
        regulation = try container.decodeIfPresent(Decision.self, forKey: .regulation)
        securityUnit = try container.decodeIfPresent(String.self, forKey: .securityUnit)
        contact = try container.decodeIfPresent(Contact.self, forKey: .contact)
        goLive = try container.decodeIfPresent(String.self, forKey: .goLive)
        plan = try container.decodeIfPresent(PlanImplementation.self, forKey: .plan) ?? .none
        planExpected = try container.decodeIfPresent(String.self, forKey: .planExpected)
        assessments = try container.decodeIfPresent([Assessment].self, forKey: .assessments) ?? []
        monitoredElsewhere = try container.decodeIfPresent(ExternalMonitoring.self, forKey: .monitoredElsewhere)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, owner, level, dossier, appraisal, regulation, contact, plan, assessments
        case operatorUnit = "operator"
        case proposedLevel = "proposed_level"
        case decisionNumber = "decision_number"
        case decisionDate = "decision_date"
        case decisionIssuer = "decision_issuer"
        case expectedApproval = "expected_approval"
        case securityUnit = "security_unit"
        case goLive = "go_live"
        case planExpected = "plan_expected"
        case monitoredElsewhere = "monitored_elsewhere"
    }

    /// The approving decision, when the dossier is approved and the decision is recorded.
    public var approval: Decision? {
        guard dossier == .approved, let decisionNumber else { return nil }
        return Decision(number: decisionNumber, date: decisionDate, issuer: decisionIssuer)
    }

    /// Whether `id` is a usable slug: 1 to 64 of `a-z`, `0-9` and `-`, not starting with `-`.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.first != "-"
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Where the level dossier (*hồ sơ đề xuất cấp độ*) stands: not started, then the four states of
/// Decree 331/2026's form Mẫu 08.
public enum DossierStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    /// *Đang dự thảo*.
    case drafting
    /// *Đã gửi thẩm định*.
    case submitted
    /// *Đã thẩm định*.
    case appraised
    /// *Đã được phê duyệt*.
    case approved
}

/// A decision or other official document: number, date and issuing body.
public struct Decision: Sendable, Hashable, Codable {
    /// E.g. `1479/QĐ-UBND`.
    public var number: String
    /// `YYYY-MM-DD`.
    public var date: String?
    public var issuer: String?

    public init(number: String, date: String? = nil, issuer: String? = nil) {
        self.number = number
        self.date = date
        self.issuer = issuer
    }
}

/// The person to reach about a system's security.
public struct Contact: Sendable, Hashable, Codable {
    public var name: String
    public var title: String?
    public var phone: String?
    public var email: String?

    public init(name: String, title: String? = nil, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.title = title
        self.phone = phone
        self.email = email
    }
}

/// How much of the approved security plan (*phương án bảo đảm an toàn thông tin*) is carried out.
public enum PlanImplementation: String, Sendable, Hashable, Codable, CaseIterable {
    case none, partial, full
}

/// One security assessment of a system.
public struct Assessment: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Before going into use (*trước khi đưa vào vận hành*).
        case beforeUse = "before_use"
        /// Periodic (*định kỳ*), ND85 Art. 20.2.c.
        case periodic
    }

    /// `YYYY-MM-DD`.
    public var date: String
    public var kind: Kind
    public var assessor: String
    /// What the assessment concluded, e.g. `đạt`, `đạt có điều kiện`, or the report's number.
    public var result: String

    public init(date: String, kind: Kind, assessor: String, result: String) {
        self.date = date
        self.kind = kind
        self.assessor = assessor
        self.result = result
    }
}

/// Monitoring of a system by other means than Canh's agents.
public struct ExternalMonitoring: Sendable, Hashable, Codable {
    /// Who monitors it, e.g. the provider of a monitoring service.
    public var by: String
    /// What shows it: a contract, a decision, a report.
    public var evidence: String
    /// The last day it holds, `YYYY-MM-DD`.
    public var until: String

    public init(by: String, evidence: String, until: String) {
        self.by = by
        self.evidence = evidence
        self.until = until
    }
}

/// `YYYY-MM-DD` with a real month and day.
public enum CalendarDateText {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
