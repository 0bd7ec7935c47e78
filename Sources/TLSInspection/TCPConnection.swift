import Glibc

/// A point in time on the monotonic clock, for connect and handshake deadlines.
struct Deadline {
    let nanoseconds: UInt64

    static func after(seconds: Double) -> Deadline {
        Deadline(nanoseconds: monotonicNow() + UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// Milliseconds left, at least 0, for poll(2).
    var remainingMilliseconds: Int32 {
        let now = Deadline.monotonicNow()
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now) / 1_000_000)
    }

    var hasPassed: Bool { Deadline.monotonicNow() >= nanoseconds }

    private static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// A non-blocking TCP connection whose every wait is bounded by a deadline, so a silent or
/// filtered server cannot hang a scan.
final class TCPConnection {
    let descriptor: Int32
    let endpoint: String

    private init(descriptor: Int32, endpoint: String) {
        self.descriptor = descriptor
        self.endpoint = endpoint
    }

    deinit { close(descriptor) }

    /// Connects to `host:port`, trying each resolved address until one answers within `timeout`.
    static func connect(host: String, port: Int, timeout: Double) throws(EndpointError) -> TCPConnection {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .resolveFailed(endpoint: endpoint, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        let deadline = Deadline.after(seconds: timeout)
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let address = cursor {
            cursor = address.pointee.ai_next
            let descriptor = socket(
                address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { continue }
            let connection = TCPConnection(descriptor: descriptor, endpoint: endpoint)
            if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return connection }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                continue
            }
            guard connection.wait(for: Int16(POLLOUT), until: deadline) else {
                throw .connectTimedOut(endpoint: endpoint, seconds: timeout)
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return connection }
            lastError = String(cString: strerror(error))
        }
        throw .connectFailed(endpoint: endpoint, reason: lastError)
    }

    /// Waits until the socket is ready for `events`; false when the deadline passes first.
    func wait(for events: Int16, until deadline: Deadline) -> Bool {
        var descriptorEvents = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let ready = poll(&descriptorEvents, 1, deadline.remainingMilliseconds)
            if ready > 0 { return true }
            if ready == 0 || errno != EINTR { return false }
        }
    }

    /// Writes all of `bytes` before the deadline; false if it could not.
    func send(_ bytes: [UInt8], until deadline: Deadline) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EAGAIN || errno == EINTR {
                guard wait(for: Int16(POLLOUT), until: deadline) else { return false }
            } else {
                return false
            }
        }
        return true
    }

    enum ReadResult {
        case bytes([UInt8])
        case closed
        case timedOut
    }

    /// Reads what is available (at most `limit` bytes), waiting until the deadline.
    func receive(limit: Int = 16_384, until deadline: Deadline) -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(Array(buffer.prefix(count))) }
            if count == 0 { return .closed }
            if errno == EINTR { continue }
            guard errno == EAGAIN else { return .closed }
            guard wait(for: Int16(POLLIN), until: deadline) else { return .timedOut }
        }
    }
}
