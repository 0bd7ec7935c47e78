public import CanhModel
import CollectorClient
import CollectorPKI
import Foundation

/// `canh-agent enroll` (SPEC §3): makes a key on this host, sends a certificate request with the
/// one-time token, and keeps the key, the certificate and the collector's CA in the state
/// directory, each readable by the agent alone.
public struct Enrollment: Sendable {
    /// The files of an enrolled agent in its state directory.
    public struct Files: Sendable {
        public let key: String
        public let certificate: String
        public let collectorCA: String
        public let identity: String

        public init(stateDirectory: String) {
            key = stateDirectory + "/agent.key"
            certificate = stateDirectory + "/agent.pem"
            collectorCA = stateDirectory + "/collector-ca.pem"
            identity = stateDirectory + "/enrollment.json"
        }
    }

    /// What the state directory remembers of the enrollment.
    public struct Identity: Codable, Sendable {
        public var collector: String
        public var agentID: String
        /// The name the collector knows this host by; every record names it.
        public var hostname: String?
        public var system: String
        public var level: Level
        /// The agent this enrollment replaced (`--replace`), now revoked.
        public var replacedAgentID: String?

        enum CodingKeys: String, CodingKey {
            case collector, system, level, hostname
            case agentID = "agent_id"
            case replacedAgentID = "replaced_agent_id"
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case alreadyEnrolled(String)
        case stateDirectory(String)
        case collector(String)
        /// What this host would claim is not acceptable (a host name that is not one).
        case invalidIdentity(String)

        public var description: String {
            switch self {
            case .invalidIdentity(let why): why
            case .alreadyEnrolled(let file):
                "this agent is already enrolled (\(file) exists); remove the state directory's files to enroll again"
            case .stateDirectory(let why): why
            case .collector(let why): why
            }
        }
    }

    let collectorURL: String
    let caFile: String?
    let stateDirectory: String

    public init(collectorURL: String, caFile: String?, stateDirectory: String) {
        self.collectorURL = collectorURL
        self.caFile = caFile
        self.stateDirectory = stateDirectory
    }

    /// - Parameters:
    ///   - machineID: this machine's id (default: `/etc/machine-id` when it holds one).
    ///   - replace: this machine was enrolled before; its old host is revoked and replaced.
    public func enroll(
        token: String, hostname: String, agentVersion: String, machineID: String? = Self.localMachineID(), replace: Bool = false
    ) async throws(Failure) -> Identity {
        guard EnrolledHost.isValidHostname(hostname) else {
            throw .invalidIdentity(
                "\"\(hostname.escapingControlCharacters)\" is not a host name (letters, digits and hyphens in dot-separated labels); "
                    + "give one with --hostname")
        }
        let files = Files(stateDirectory: stateDirectory)
        guard !FileManager.default.fileExists(atPath: files.certificate) else { throw .alreadyEnrolled(files.certificate) }
        do {
            try FileManager.default.createDirectory(
                atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .stateDirectory("cannot create the state directory \(stateDirectory): \(error.localizedDescription)")
        }
        let keys: AgentKeyPair
        let answer: APIMessages.EnrollResponse
        do {
            keys = try AgentKeyPair.generate(hostname: hostname)
            let client = try CollectorClient(CollectorConnection(url: collectorURL, caFile: caFile))
            defer { Task { await client.shutdown() } }
            answer = try await client.post(
                "/api/v1/enroll",
                body: APIMessages.EnrollRequest(
                    token: token, hostname: hostname, machineID: machineID, os: Self.operatingSystem(), agentVersion: agentVersion,
                    csr: keys.requestPEM, replace: replace))
        } catch {
            throw .collector("enrollment failed: \(error)")
        }
        let identity = Identity(
            collector: collectorURL, agentID: answer.agentID, hostname: hostname, system: answer.system, level: answer.level,
            replacedAgentID: answer.replacedAgentID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for (path, contents) in [
            (files.key, Data(keys.keyPEM.utf8)), (files.certificate, Data(answer.certificate.utf8)),
            (files.collectorCA, Data(answer.ca.utf8)),
            (files.identity, (try? encoder.encode(identity)) ?? Data()),
        ] where !FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) {
            throw .stateDirectory("cannot write \(path)")
        }
        return identity
    }

    /// The id in `/etc/machine-id`, when it holds a valid one.
    public static func localMachineID() -> String? {
        let text = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.flatMap { EnrolledHost.isValidMachineID($0) ? $0 : nil }
    }

    /// PRETTY_NAME of /etc/os-release.
    private static func operatingSystem() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
