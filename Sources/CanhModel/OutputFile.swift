import Glibc

/// Writing a whole file — what a command produces (reports, keys, packs), what the agent keeps
/// in its state directory — so that a failure is reported, a crash leaves the old file, and
/// nothing but a regular file is ever replaced.
public enum OutputFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// Writes `bytes` to `path` through a temporary file in the same directory, renamed over the
    /// target once complete and on disk, so a reader never sees half a report and a crash leaves
    /// the old one. A target that exists must be a regular file: a device (`/dev/full`), a
    /// symbolic link or a directory is refused, never replaced.
    /// - Parameter mode: the new file's permissions; reports that name hosts are 0600.
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o600) throws(Failure) {
        var status = stat()
        if lstat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw Failure(description: "\(path) is a directory; name a file to write")
            case S_IFLNK: throw Failure(description: "\(path) is a symbolic link; name the file itself")
            default: throw Failure(description: "\(path) is not a regular file (a device, a pipe or a socket); name a file to write")
            }
        } else if errno != ENOENT {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write in \(directory): \(String(cString: strerror(errno)))")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(Failure) {
            defer { close(descriptor) }
            guard fchmod(descriptor, mode_t(mode)) == 0 else {
                throw Failure(description: "cannot set the mode of \(temporary): \(lastError)")
            }
            try writeAll(bytes, to: descriptor, naming: path)
            guard fsync(descriptor) == 0 else { throw Failure(description: "cannot write \(path): \(lastError)") }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = lastError
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(reason)")
        }
    }

    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, naming target: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                throw Failure(description: "cannot write \(target): \(result < 0 ? lastError : "nothing was written")")
            }
            written += result
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
