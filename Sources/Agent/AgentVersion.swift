/// The version of canh-agent, reported by `--version`, heartbeats and `status`.
public enum AgentVersion {
    public static let current = "0.1.0"
}
