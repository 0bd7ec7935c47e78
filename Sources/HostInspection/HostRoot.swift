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
