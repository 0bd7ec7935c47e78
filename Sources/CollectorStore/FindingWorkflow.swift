public import CanhModel
import Foundation

/// Which status changes people may make, and what each needs.
public enum FindingWorkflow {
    public static func validate(_ change: FindingChange, current: FindingState) throws(StoreError) {
        guard !change.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalid("a reason is required to change a finding's status")
        }
        switch change.status {
        case .open: throw .invalid("findings are opened by records, not by hand")
        case .acknowledged:
            guard current.status == .open else {
                throw .invalid("only an open finding can be acknowledged (it is \(current.status.rawValue))")
            }
        case .resolved:
            guard current.status != .resolved else { throw .invalid("the finding is already resolved") }
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
}
