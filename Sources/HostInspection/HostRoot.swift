import Foundation

/// The file system of the host being checked, seen from a directory (`--host-root`, `/` on the
/// host itself). Paths are given as the host sees them (`/etc/ssh/sshd_config`) and read
/// under the root, so a copied tree or a container image is read exactly like a live system.
public struct HostRoot: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path == "/" ? "" : (path.hasSuffix("/") ? String(path.dropLast()) : path)
    }

    public enum FileContents: Sendable, Equatable {
        case text(String)
        case missing
        /// It exists but cannot be read (permissions, a directory, not UTF-8): why.
        case unreadable(String)
    }

    /// The text of `hostPath`.
    public func read(_ hostPath: String) -> FileContents {
        let local = path + hostPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: local, isDirectory: &isDirectory) else { return .missing }
        guard !isDirectory.boolValue else { return .unreadable("is a directory") }
        guard let data = FileManager.default.contents(atPath: local) else {
            return .unreadable("cannot be read (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else { return .unreadable("is not UTF-8 text") }
        return .text(text)
    }

    /// The first `count` bytes of a binary file (fewer when it is shorter).
    public func readHead(_ hostPath: String, count: Int) -> Result<[UInt8], UnreadableFile> {
        guard let handle = FileHandle(forReadingAtPath: path + hostPath) else {
            return .failure(UnreadableFile(description: "\(hostPath) cannot be read (\(String(cString: strerror(errno))))"))
        }
        defer { try? handle.close() }
        do {
            return .success([UInt8](try handle.read(upToCount: count) ?? Data()))
        } catch {
            return .failure(UnreadableFile(description: "\(hostPath) cannot be read (\(error.localizedDescription))"))
        }
    }

    /// The text of `hostPath`, nil when it does not exist.
    /// - Throws: the file and why, when it exists but cannot be read.
    public func textIfPresent(_ hostPath: String) throws(UnreadableFile) -> String? {
        switch read(hostPath) {
        case .text(let text): return text
        case .missing: return nil
        case .unreadable(let why): throw UnreadableFile(description: "\(hostPath) \(why)")
        }
    }

    /// The files of a configuration read in order (a main file and its drop-ins): those that
    /// exist, with their text; missing ones are skipped, as the services skip them.
    /// - Returns: `.failure` with the first file that exists but cannot be read, and why.
    public func presentFiles(_ hostPaths: [String]) -> Result<[(path: String, text: String)], UnreadableFile> {
        var files: [(path: String, text: String)] = []
        for hostPath in hostPaths {
            do {
                if let text = try textIfPresent(hostPath) { files.append((hostPath, text)) }
            } catch {
                return .failure(error)
            }
        }
        return .success(files)
    }

    /// A file that exists but cannot be read: its path and why.
    public struct UnreadableFile: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    public func exists(_ hostPath: String) -> Bool { FileManager.default.fileExists(atPath: path + hostPath) }

    public func isDirectory(_ hostPath: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path + hostPath, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The names in a directory, sorted; empty when it does not exist.
    public func list(_ hostDirectory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + hostDirectory)) ?? []).sorted()
    }

    /// Where a symbolic link points, as written; nil if it is not a link.
    public func linkTarget(_ hostPath: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path + hostPath)
    }

    /// Host paths matching a glob (`*`, `?`, `[…]` in the last components), sorted, as
    /// `Include` and drop-in directories expand them.
    public func glob(_ hostPattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(path + hostPattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(String(cString: $0).dropFirst(path.count)) }
        }.sorted()
    }
}
