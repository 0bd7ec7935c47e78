package import CanhModel
import Foundation

/// What enrollment and reporting decide whatever the store.
package enum EnrollmentDecision {
    /// The one host a re-enrollment replaces, nil when nobody holds the name or machine id;
    /// refused when someone does and `replace` was not asked for, or when two hosts do.
    package static func replaced(among holders: [EnrolledHost], by host: EnrolledHost, replace: Bool) throws(StoreError) -> EnrolledHost? {
        guard let holder = holders.first else { return nil }
        func described(_ holder: EnrolledHost) -> String {
            let what =
                holder.hostname.caseInsensitiveCompare(host.hostname) == .orderedSame
                ? "the host name \(holder.hostname)" : "machine id \(holder.machineID ?? "")"
            return "\(what) is held by agent \(holder.agentID) in system \(holder.system) (\(holder.status.rawValue))"
        }
        guard holders.count == 1 else {
            throw StoreError.conflict(
                holders.map(described).joined(separator: " and ") + "; revoke one of them before enrolling this machine")
        }
        guard replace else {
            throw StoreError.conflict(
                "\(described(holder)); if this is the same machine enrolling again, enroll with --replace: the old agent is revoked "
                    + "and its findings move to the new one")
        }
        return holder
    }

    /// The day of `time` in Vietnam (UTC+07:00), as days since 1970-01-01.
    package static func vietnamDay(_ time: Timestamp) -> Int64 {
        (time.microsecondsSinceEpoch + 25_200_000_000).floorDivided(by: 86_400_000_000)
    }
}
