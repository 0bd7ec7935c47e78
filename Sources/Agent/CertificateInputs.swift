import CanhModel
import Foundation
import TLSInspection

/// Reads the `--cert` paths: files as named, directories recursively. An explicitly named file
/// must hold a certificate or key; in a directory, files with a certificate or key extension
/// or PEM blocks must, other files are kept when they parse as DER, and the rest (READMEs,
/// scripts) are skipped, so `/etc/ssl` can be named as is.
struct CertificateInputs {
    struct CertificateFile {
        var path: String
        var certificates: [ParsedCertificate]
    }

    var certificateFiles: [CertificateFile] = []
    var keyFiles: [KeyFileObservation] = []
    var unreadable: [UnreadableInput] = []

    static let maximumSize = 16 << 20
    static let extensions: Set<String> = ["pem", "crt", "cer", "der", "key", "cert", "ca-bundle", "p7b"]

    init(paths: [String]) {
        var candidates: [(path: String, explicit: Bool)] = []
        var seen: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                unreadable.append(UnreadableInput(path: path, reason: "no such file or directory"))
                continue
            }
            var files = [(path, true)]
            if isDirectory.boolValue {
                let listing = Self.files(under: path)
                files = listing.files.map { ($0, false) }
                unreadable += listing.unfollowable
            }
            // `/etc/ssl/certs` links every certificate under a hash name too: read each file once.
            candidates += files.filter { seen.insert(Self.realPath($0.0)).inserted }
        }
        for result in ParallelMap.map(candidates, concurrency: ParallelMap.cores, { Self.read($0.path, explicit: $0.explicit) }) {
            switch result {
            case .contents(let path, let contents):
                if !contents.parsedCertificates.isEmpty {
                    certificateFiles.append(CertificateFile(path: path, certificates: contents.parsedCertificates))
                }
                keyFiles += contents.privateKeys.map { Self.keyFile(path, key: $0) }
            case .unreadable(let input):
                unreadable.append(input)
            case .skipped:
                break
            }
        }
    }

    private enum FileResult: Sendable {
        case contents(String, TLSFileContents)
        case unreadable(UnreadableInput)
        /// A file in a directory that is neither named like a certificate nor holds PEM.
        case skipped
    }

    private static func read(_ path: String, explicit: Bool) -> FileResult {
        let named = explicit || extensions.contains((path as NSString).pathExtension.lowercased())
        var status = stat()
        if stat(path, &status) == 0, Int(status.st_size) > maximumSize {
            // The largest real bundles (all public roots) are a few hundred KiB.
            guard named else { return .skipped }
            return .unreadable(
                UnreadableInput(path: path, reason: "is \(Int(status.st_size) >> 20) MiB, too large to be a certificate or key file"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unreadable(UnreadableInput(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))"))
        }
        let bytes = [UInt8](data)
        if named || containsPEM(bytes) {
            do {
                return .contents(path, try CertificateParser.contents(of: bytes, source: path))
            } catch {
                return .unreadable(UnreadableInput(path: path, reason: error.description))
            }
        }
        // A DER certificate or key under another name: kept if it parses, else it is some other
        // binary file and none of the certificate rules' business.
        guard bytes.first == 0x30, let contents = try? CertificateParser.contents(of: bytes, source: path) else { return .skipped }
        return .contents(path, contents)
    }

    /// The path with every symbolic link resolved (realpath(3); Foundation's equivalent costs
    /// more than parsing the certificate).
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func keyFile(_ path: String, key: PrivateKeyFact) -> KeyFileObservation {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return KeyFileObservation(path: path, mode: 0, owner: "?", group: "?", key: key)
        }
        let owner = getpwuid(status.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(status.st_uid)
        let group = getgrgid(status.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(status.st_gid)
        return KeyFileObservation(path: path, mode: UInt32(status.st_mode) & 0o7777, owner: owner, group: group, key: key)
    }

    /// Regular files below `directory`, sorted, following no symlinked directories twice; and the
    /// symbolic links that lead nowhere (a loop, a missing target), which are reported rather
    /// than skipped: a certificate a service expects there is not there.
    private static func files(under directory: String) -> (files: [String], unfollowable: [UnreadableInput]) {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return ([], []) }
        var files: [String] = []
        var unfollowable: [UnreadableInput] = []
        while let relative = enumerator.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            var status = stat()
            guard stat(path, &status) == 0 else {
                let reason =
                    errno == ELOOP ? "is a loop of symbolic links" : "is a symbolic link to nothing (\(String(cString: strerror(errno))))"
                var link = stat()
                if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                    unfollowable.append(UnreadableInput(path: path, reason: reason))
                }
                continue
            }
            guard status.st_mode & S_IFMT == S_IFREG else { continue }
            files.append(path)
        }
        return (files.sorted(), unfollowable.sorted { $0.path < $1.path })
    }

    private static func containsPEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0] == 45 && bytes[$0..<$0 + marker.count].elementsEqual(marker) }
    }
}
