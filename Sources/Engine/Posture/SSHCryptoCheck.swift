import CanhModel
import Glibc

/// sshd's effective ciphers, MACs, key exchange and host key algorithms: the configured list,
/// or OpenSSH's built-in list for the installed version changed by `+` (append), `-` (remove,
/// with wildcards) or `^` (prepend).
extension HostCheck {
    static func sshCrypto(_ host: HostObservation, weakPatterns: [String]) -> (Outcome, Details) {
        guard case .read(let sshd) = host.sshd else { return (.error, [("error", .text(host.sshd.problem ?? ""))]) }
        let version = host.opensshVersion.flatMap { OpenSSHDefaults.version($0.value) }
        var details: Details = [("openssh", .text(host.opensshVersion?.description ?? "unknown"))]
        var weak: [String] = []
        var unknown: [String] = []
        let isWeak = { (name: String) in weakPatterns.contains { fnmatch($0, name, 0) == 0 } }
        for list in OpenSSHDefaults.List.allCases {
            let setting = sshd.global[list.rawValue]
            let value = setting?.value ?? ""
            let named = value.drop { "+-^".contains($0) }.split(separator: ",").map(String.init)
            let modifiesDefault = setting == nil || "+-^".contains(value.first ?? " ")
            var effective: [String] = []
            if modifiesDefault {
                guard let version else {
                    unknown.append(list.rawValue)
                    continue
                }
                effective = OpenSSHDefaults.weakMembers(of: list, version: version).filter(isWeak)
                switch value.first {
                case "-": effective.removeAll { name in named.contains { fnmatch($0, name, 0) == 0 } }
                case "+", "^": effective += named.filter { isWeak($0) && !effective.contains($0) }
                default: break
                }
            } else {
                effective = named.filter(isWeak)
            }
            details.append(
                (list.rawValue.lowercased(), .text(setting?.description ?? "OpenSSH \(host.opensshVersion?.value ?? "") default")))
            weak += effective.map { "\(list.rawValue): \($0)" }
        }
        if !unknown.isEmpty {
            return (
                .error,
                details + [
                    (
                        "error",
                        .text(
                            "\(unknown.joined(separator: ", ")) follow sshd's built-in lists, which depend on its version, and the installed OpenSSH version is unknown (neither /var/lib/dpkg/status nor /usr/sbin/sshd names it)"
                        )
                    )
                ]
            )
        }
        if !weak.isEmpty { details.append(("weak", .list(weak))) }
        return (weak.isEmpty ? .pass : .fail, details)
    }
}
