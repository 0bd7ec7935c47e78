import CanhModel

/// Where a system stands with its assessments on a day (Decree 85/2016 Art. 20.2.c): the newest
/// one done by then, and whether it is within the level's period — every 6 months at level 5,
/// yearly at levels 3–4, the organisation's 2-year cycle below.
struct AssessmentStanding {
    var months: Int64
    /// The assessments done by the day.
    var done: [Assessment]
    var latest: Assessment?
    var current: Bool

    init(_ system: InformationSystem, on day: LocalDate) {
        switch system.level.rawValue {
        case 5: months = 6
        case 3, 4: months = 12
        default: months = 24
        }
        done = system.assessments.filter { LocalDate(iso: $0.date).map { $0 <= day } ?? false }
        latest = done.max { $0.date < $1.date }
        let due = day.addingMonths(-months)
        current = latest.flatMap { LocalDate(iso: $0.date) }.map { $0 >= due } ?? false
    }
}
