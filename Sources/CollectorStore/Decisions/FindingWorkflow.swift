public import CanhModel
import Foundation

/// Which status changes people may make, and what each needs.
public enum FindingWorkflow {
    public static func validate(_ change: FindingChange, current: FindingState) throws(StoreError) {
        try validateRequest(change)
        if let refusal = refusal(of: change.status, from: current.status) { throw .invalid(refusal) }
    }

    /// What every change needs whatever the finding: a reason, and for an exception an end date
    /// in the future, at most three years away.
    public static func validateRequest(_ change: FindingChange) throws(StoreError) {
        guard !change.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("a reason is required to change a finding's status")
        }
        switch change.status {
        case .open: throw .invalid("findings are opened by records, not by hand")
        case .acknowledged, .resolved: break
        case .excepted:
            guard let until = change.until else { throw .invalid("an exception needs an end date (--until)") }
            guard until > change.at else { throw .invalid("the exception's end date \(until.iso8601) is not in the future") }
            guard until <= change.at + InputLimits.longestAcceptance else {
                throw .invalid(
                    "the exception's end date \(until.iso8601) is more than three years away; accept it for a shorter time and review it then"
                )
            }
        }
    }

    /// Why a finding in `current` cannot be moved to `status` by hand, or nil when it can.
    public static func refusal(of status: FindingStatus, from current: FindingStatus) -> String? {
        switch status {
        case .open: "findings are opened by records, not by hand"
        case .acknowledged where current != .open: "only an open finding can be acknowledged (it is \(current.rawValue))"
        case .resolved where current == .resolved: "the finding is already resolved"
        default: nil
        }
    }
}

extension FindingWorkflow {
    /// The audit log's action for a person's change to `status`, as the API names it.
    package static func auditAction(_ status: FindingStatus) -> String {
        switch status {
        case .acknowledged: "finding.ack"
        case .resolved: "finding.resolve"
        case .excepted: "finding.except"
        case .open: "finding.open"
        }
    }
}
