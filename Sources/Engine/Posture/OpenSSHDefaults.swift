/// The weak algorithms in sshd's built-in lists, by OpenSSH version, from `myproposal.h` of
/// openssh-portable at each release (the server's lists: the client's kept more for a while).
/// Only the members a rule could call weak are listed; a configuration that names its own list
/// does not use them.
enum OpenSSHDefaults {
    enum List: String, CaseIterable {
        case ciphers = "Ciphers"
        case macs = "MACs"
        case kex = "KexAlgorithms"
        case hostKeys = "HostKeyAlgorithms"
    }

    /// `9.2p1`, `7.4`: (major, minor); nil when it does not start with a number.
    static func version(_ text: String) -> (Int, Int)? {
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard let major = numbers.first else { return nil }
        return (major, numbers.count > 1 ? numbers[1] : 0)
    }

    static func weakMembers(of list: List, version: (Int, Int)) -> [String] {
        let v = version.0 * 100 + version.1
        switch list {
        case .ciphers:
            // 6.7 took CBC and arcfour out of the server's ciphers.
            return v < 607
                ? [
                    "arcfour256", "arcfour128", "aes128-cbc", "3des-cbc", "blowfish-cbc", "cast128-cbc", "aes192-cbc", "aes256-cbc",
                    "arcfour", "rijndael-cbc@lysator.liu.se",
                ] : []
        case .macs:
            return v < 607
                ? [
                    "hmac-md5-etm@openssh.com", "hmac-sha1-96-etm@openssh.com", "hmac-md5-96-etm@openssh.com", "hmac-md5", "hmac-sha1-96",
                    "hmac-md5-96",
                ]
                : []
        case .kex:
            // group1 and gex-sha1 left the server's list in 6.7; group14-sha1 in 8.2.
            if v < 607 { return ["diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"] }
            return v < 802 ? ["diffie-hellman-group14-sha1"] : []
        case .hostKeys:
            // 7.0 disabled ssh-dss.
            return v < 700 ? ["ssh-dss-cert-v01@openssh.com", "ssh-dss-cert-v00@openssh.com", "ssh-dss"] : []
        }
    }
}
