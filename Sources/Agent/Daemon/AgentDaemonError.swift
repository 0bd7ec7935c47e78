/// Why the daemon cannot start, or cannot take a new configuration, worded for the sysadmin.
public enum AgentDaemonError: Error, Sendable, CustomStringConvertible {
    case notEnrolled(String)
    case unreadableState(String, String)
    case rulePack(directory: String, problems: [String])
    case configuration(String)
    case spool(String)
    case collector(String)

    public var description: String {
        switch self {
        case .notEnrolled(let path):
            "this agent is not enrolled (\(path) is missing); run \"canh-agent enroll --token TOKEN\" first"
        case .unreadableState(let path, let why): "\(path): cannot be read: \(why)"
        case .rulePack(let directory, let problems):
            "the rule pack \(directory) has \(problems.count) problem(s); run \"canh-agent rules check \(directory)\":\n"
                + problems.joined(separator: "\n")
        case .configuration(let why): why
        case .spool(let why): why
        case .collector(let why): why
        }
    }
}
