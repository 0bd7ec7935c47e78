import Foundation

/// A server process for a test (openssl s_server, openssl ocsp, an HTTP server), stopped when
/// released. `init` returns once the port accepts connections.
public final class BackgroundServer: @unchecked Sendable {
    // @unchecked: the process is only touched in init and deinit.
    private let process: Process
    public let port: Int
    private let logPath: String

    /// - Parameters:
    ///   - arguments: the command; `{port}` is replaced by the chosen port.
    ///   - directory: the working directory.
    ///   - environment: variables added to the test runner's.
    public init(
        _ executable: String, _ arguments: [String], port: Int? = nil, directory: String? = nil, environment: [String: String] = [:]
    ) async throws {
        let port = try port ?? FreePort.next()
        self.port = port
        logPath = "/tmp/canh-server-\(port).log"
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments.map { $0.replacingOccurrences(of: "{port}", with: String(port)) }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = Pipe()
        try process.run()
        guard try await FreePort.waitUntilListening(port, seconds: 10) else {
            kill(process.processIdentifier, SIGKILL)
            throw FixtureError(description: "\(executable) did not listen on \(port)")
        }
    }

    /// SIGTERM, then waits at most `seconds` for the exit status (nil: still running).
    public func terminate(waitSeconds seconds: Double = 30) async throws -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// What the server printed so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        // SIGKILL, not terminate(): children inherit the test runner's blocked signal mask, and a
        // blocked SIGTERM would leave the server running and this wait hanging.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

/// A TCP port that accepts connections and then says nothing: the server a TLS client must not
/// wait for forever.
public final class SilentListener: @unchecked Sendable {
    // @unchecked: the descriptor is only touched in init and deinit.
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw FixtureError(description: "cannot listen: \(errno)") }
        port = FreePort.boundPort(descriptor)
    }

    deinit { close(descriptor) }
}

public enum FreePort {
    /// A port that was free a moment ago on 127.0.0.1.
    public static func next() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FixtureError(description: "cannot bind: \(errno)") }
        return boundPort(descriptor)
    }

    static func boundPort(_ descriptor: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls until something accepts connections on 127.0.0.1:`port`.
    public static func waitUntilListening(_ port: Int, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(descriptor)
            if connected == 0 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
