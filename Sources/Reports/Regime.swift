public import CanhModel

/// The legal regime a report cites for one system (ND331 Art. 38–39): Decree 85/2016 with
/// Circular 12/2022 and TCVN 11930:2017, Decree 331/2026 with TCVN 14423:2026, or both.
public struct RegimeChoice: Sendable, Hashable, Codable {
    public enum Regime: String, Sendable, Hashable, Codable, CaseIterable {
        /// Decree 85/2016, Circular 12/2022, TCVN 11930:2017.
        case decree85 = "nd85"
        /// Decree 331/2026, TCVN 14423:2026.
        case decree331 = "nd331"
    }

    /// Why these regimes, as a code the renderers put into words.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The report date is before Decree 331/2026 came into force (19/08/2026).
        case beforeDecree331 = "before_nd331"
        /// The system went live before 01/07/2026: ND331 Art. 39.1 keeps Decree 85's dossier and
        /// gives 12 months (to 19/08/2027) to meet ND331's measures, so both apply.
        case transition
        /// The system went live before 01/07/2026 and the transition has ended.
        case afterTransition = "after_transition"
        /// The system went live on or after 01/07/2026, under Decree 331/2026.
        case newSystem = "new_system"
        /// The inventory has no go-live date: both are cited until it is recorded.
        case goLiveUnknown = "go_live_unknown"
    }

    public var regimes: [Regime]
    public var reason: Reason

    public init(regimes: [Regime], reason: Reason) {
        self.regimes = regimes
        self.reason = reason
    }

    /// Decree 331/2026 in force (Art. 38).
    static let decree331InForce = LocalDate(2026, 8, 19)
    /// Systems under construction before this date keep Decree 85/2016's procedure (Art. 39.1).
    static let transitionCutoff = LocalDate(2026, 7, 1)
    /// Twelve months after Decree 331/2026 came into force, the end of the transition for
    /// meeting its measures (Art. 39.1).
    static let transitionEnd = LocalDate(2027, 8, 19)

    /// The regime for a system that went live on `goLive` (`YYYY-MM-DD`, nil when unknown), in a
    /// report made on `reportDate`.
    public static func choose(goLive: String?, reportDate: Timestamp) -> RegimeChoice {
        let today = LocalDate(reportDate)
        if today < decree331InForce { return RegimeChoice(regimes: [.decree85], reason: .beforeDecree331) }
        guard let goLive = goLive.flatMap(LocalDate.init(iso:)) else {
            return RegimeChoice(regimes: [.decree85, .decree331], reason: .goLiveUnknown)
        }
        if goLive >= transitionCutoff { return RegimeChoice(regimes: [.decree331], reason: .newSystem) }
        if today < transitionEnd { return RegimeChoice(regimes: [.decree85, .decree331], reason: .transition) }
        return RegimeChoice(regimes: [.decree331], reason: .afterTransition)
    }

    public var citesDecree85: Bool { regimes.contains(.decree85) }
    public var citesDecree331: Bool { regimes.contains(.decree331) }
}
