public import CanhModel

/// The accounts that can administer the host — root and the members of the administrators'
/// groups — with their password state and maximum age from /etc/shadow.
public enum AdminAccountReader {
    public static func read(_ root: HostRoot) -> ConfigurationState<[AdminAccount]> {
        let groupText: String
        let shadowText: String
        switch root.read("/etc/group") {
        case .text(let text): groupText = text
        case .missing: return .missing("/etc/group does not exist")
        case .unreadable(let why): return .unreadable("/etc/group \(why)")
        }
        switch root.read("/etc/shadow") {
        case .text(let text): shadowText = text
        case .missing: return .missing("/etc/shadow does not exist")
        case .unreadable(let why):
            let hint = why.contains("Permission denied") ? " (only root can read it: run the scan as root)" : ""
            return .unreadable("/etc/shadow \(why)\(hint)")
        }
        var groupsOf: [String: [String]] = ["root": []]
        for line in groupText.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, AdminAccount.administratorGroups.contains(String(fields[0])) else { continue }
            for member in fields[3].split(separator: ",") where !member.isEmpty {
                groupsOf[String(member), default: []].append(String(fields[0]))
            }
        }
        var accounts: [AdminAccount] = []
        for line in shadowText.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, let groups = groupsOf[fields[0]] else { continue }
            let hash = fields[1]
            let password: AdminAccount.Password =
                hash.isEmpty ? .empty : (hash.hasPrefix("!") || hash.hasPrefix("*") ? .locked : .set)
            accounts.append(AdminAccount(name: fields[0], groups: groups, password: password, maximumAgeDays: Int(fields[4])))
        }
        return .read(accounts.sorted { $0.name < $1.name })
    }
}
