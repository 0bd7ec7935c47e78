public import CanhModel

/// Whether a systemd unit is enabled, from the links `systemctl enable` leaves (no systemd needs
/// to run, so a copied tree or an image is judged like a live host).
public enum UnitStateReader {
    static let unitDirectories = [
        "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
    ]

    public static func state(of unit: String, in root: HostRoot) -> UnitState {
        for directory in ["/etc/systemd/system", "/run/systemd/system"] where root.linkTarget("\(directory)/\(unit)") == "/dev/null" {
            return .masked
        }
        guard unitDirectories.contains(where: { root.exists("\($0)/\(unit)") }) else { return .notInstalled }
        for directory in unitDirectories {
            for wants in root.list(directory) where wants.hasSuffix(".wants") || wants.hasSuffix(".requires") {
                if root.linkTarget("\(directory)/\(wants)/\(unit)") != nil || root.exists("\(directory)/\(wants)/\(unit)") {
                    return .enabled(by: "\(directory)/\(wants)/\(unit)")
                }
            }
        }
        return .disabled
    }
}
