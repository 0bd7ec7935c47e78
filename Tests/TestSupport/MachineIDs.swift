import Foundation

/// Machine ids for the agents a test enrolls: every test agent runs on this one machine, and the
/// collector refuses two active hosts with one machine id.
public enum MachineIDs {
    /// A fresh id in the form of /etc/machine-id.
    public static func fresh() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
