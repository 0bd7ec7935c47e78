/// Whether a systemd unit starts at boot.
public enum UnitState: Sendable, Hashable, CustomStringConvertible {
    /// A `.wants`/`.requires` link pulls it in: which.
    case enabled(by: String)
    case disabled
    /// Linked to /dev/null: it cannot be started at all.
    case masked
    case notInstalled

    public var isEnabled: Bool { if case .enabled = self { true } else { false } }

    public var description: String {
        switch self {
        case .enabled(let link): "enabled (\(link))"
        case .disabled: "disabled"
        case .masked: "masked"
        case .notInstalled: "not installed"
        }
    }
}
