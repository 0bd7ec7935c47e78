import CanhModel

extension ReportStrings {
    /// English, for reviewers and partners who read it.
    public static let english = ReportStrings(
        language: .en,
        complianceTitle: "Compliance with the security requirements of information systems by level",
        coverageTitle: "Level classification and security monitoring of information systems",
        allSystems: "All information systems",
        generatedAt: "Generated",
        period: "Period",
        coverageAsOf: "Figures as of the time of generation",
        rulesVersion: "Rule pack version",
        digest: "SHA-256 digest of the data",
        digestNote: "The digest is over the report's canonical JSON data; check it with: jq -cjS .data report.json | sha256sum",
        timeZoneNote: "Vietnam time (UTC+07:00)",
        page: "Page",
        pageOf: "of",
        none: "None",
        never: "Never",
        andMore: { "… and \(NumberText.grouped($0, separator: ",")) more findings" },
        system: "Information system",
        systemID: "System id",
        owner: "Owner",
        operatorUnit: "Operator",
        level: "Level",
        dossier: "Level dossier",
        decision: "Approving decision",
        dossierStatus: { status in
            switch status {
            case .none: "Not started"
            case .drafting: "Being drafted"
            case .submitted: "Submitted for appraisal"
            case .appraised: "Appraised"
            case .approved: "Approved"
            }
        },
        hosts: "Hosts",
        hostname: "Host name",
        agentID: "Agent id",
        hostStatus: "Status",
        lastSeen: "Last report",
        hostStatusName: { status in
            switch status {
            case .active: "Active"
            case .stale: "Stale"
            case .revoked: "Revoked"
            }
        },
        noHosts: "No host is enrolled for monitoring yet.",
        summary: "Summary",
        applicable: "Applicable requirements",
        met: "Met",
        statusName: { status in
            switch status {
            case .pass: "Pass"
            case .fail: "Fail"
            case .notEvaluated: "Not evaluated"
            case .manual: "Manual (attested)"
            }
        },
        reasonText: { reason in
            switch reason {
            case .checksPassed: "A state check passed on every monitored host during the period (see the proof)."
            case .detectionsOnly:
                "Only detection rules cite it: a detection can show it broken, never met, and no state check observes it."
            case .notProvenOnEveryHost: "No state check has passed on every monitored host yet."
            case .openFindings: "Findings are still unhandled."
            case .noHosts: "No host of the system is monitored."
            case .noReportsInPeriod: "No host reported during the period."
            case .neverChecked: "No check result yet (nothing of the kind is configured for checking)."
            case .checkErrors: "The checks could not run (unreadable files or unreachable endpoints)."
            case .attested: "Attested; the attestation is current."
            case .noAttestation: "Checked by people; not attested yet."
            case .inventoryFacts: "Proven by the facts of the information-system inventory."
            case .inventoryShowsUnmet: "The facts of the information-system inventory show it is not met."
            case .attestationExpired: "The attestation has expired."
            case .noRules: "The rule pack has no automated check for this requirement at the system's level."
            }
        },
        areaName: { area in
            switch area {
            case "network": "Network security"
            case "server": "Server security"
            case "application": "Application security"
            case "data": "Data security"
            case "design": "System design requirements"
            case "management": "Management requirements"
            default: area
            }
        },
        requirement: "Requirement",
        requirementID: "Requirement id",
        findingsCount: "Findings",
        requirements: "Requirement by requirement",
        area: "Group",
        status: "Result",
        evidence: "Evidence",
        provedBy: "Proved by",
        unprovenOn: "Not proven on",
        remediation: "What to do",
        lastChecked: "Last checked",
        citation: "Citation",
        currentCitation: "Current",
        forceName: { force in
            switch force {
            case .mandatory: "mandatory"
            case .suggested: "suggested (another value is allowed when the security plan justifies it)"
            case .bestPractice: "good practice, not mandatory"
            }
        },
        basisName: { basis in
            switch basis {
            case .text: "from the legal text"
            case .secondary: "from a secondary source, to be checked against the official text"
            case .inference: "Canh's inference, in no legal text"
            }
        },
        threshold: "Threshold",
        regime: "Regime",
        regimeName: { $0 == .decree85 ? "Decree 85/2016, Circular 12/2022, TCVN 11930:2017" : "Decree 331/2026, TCVN 14423:2026" },
        regimeReason: { reason in
            switch reason {
            case .beforeDecree331: "report made before Decree 331/2026 came into force (19/08/2026)"
            case .transition: "system in use before 01/07/2026, in the transition until 19/08/2027 (Decree 331/2026 Art. 39)"
            case .afterTransition: "system in use before 01/07/2026, transition over (Decree 331/2026 Art. 39)"
            case .newSystem: "system in use from 01/07/2026 (Decree 331/2026)"
            case .goLiveUnknown: "no go-live date recorded, so both are cited"
            }
        },
        goLive: "In use since",
        checkKind: { $0 == "manual" ? "manual" : "automated" },
        rules: "Rules",
        attestedBy: "Attested by",
        attestedAt: "Attested on",
        expiresAt: "Valid until",
        chartByArea: "Results by requirement group",
        rule: "Rule",
        entity: "Entity",
        severity: "Severity",
        findingStatus: "Handling",
        count: "Count",
        firstSeen: "First seen",
        severityName: { severity in
            switch severity {
            case .info: "Info"
            case .low: "Low"
            case .medium: "Medium"
            case .high: "High"
            case .critical: "Critical"
            }
        },
        findingStatusName: { status in
            switch status {
            case .open: "Open"
            case .acknowledged: "Acknowledged"
            case .resolved: "Resolved"
            case .excepted: "Excepted"
            }
        },
        exceptedUntil: "excepted until",
        certificates: "Certificates",
        subject: "Subject",
        notAfter: "Expires",
        daysLeft: "Days left",
        locations: "Seen at",
        chartCertificates: "Certificates by days left",
        binName: { bin in
            switch bin {
            case "expired": "Expired"
            case "0-7": "0–7 days"
            case "8-30": "8–30 days"
            case "31-90": "31–90 days"
            default: "Over 90 days"
            }
        },
        noCertificates: "No certificate recorded yet.",
        indicators: "Indicators",
        indicatorApproved: "Information systems with an approved level dossier",
        indicatorMonitored: { "Information systems monitored (a host reported in the last \($0) hours)" },
        systemsCount: "Systems",
        approvedCount: "Level approved",
        monitoredCount: "Monitored",
        withoutHosts: "Without monitored hosts",
        byLevel: "By level",
        byOwner: "By owner",
        share: "Share",
        monitored: "Monitored",
        yes: "Yes",
        no: "No",
        hostCounts: "Monitored hosts",
        staleHosts: "Stale hosts",
        expiringCertificates: { "Certificates expired or with at most \($0) days left" },
        totalHosts: "Total",
        formatInteger: { NumberText.grouped($0, separator: ",") },
        formatPercent: { part, whole in
            let share = NumberText.percentParts(part, whole)
            return "\(share.whole).\(share.tenths)%"
        },
        formatDate: { time in
            let date = LocalDate(time)
            return "\(date.day) \(monthNames[Int(date.month) - 1]) \(date.year)"
        },
        formatDateTime: { time in
            let local = NumberText.local(time)
            return "\(local.date.day) \(monthNames[Int(local.date.month) - 1]) \(local.date.year), "
                + "\(NumberText.twoDigits(local.hour)):\(NumberText.twoDigits(local.minute))"
        }
    )

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
