import CanhModel
import Foundation
import TLSInspection

/// Reads the `--cert` paths: files as named, directories recursively. An explicitly named file
/// must hold a certificate or key; in a directory, files with a certificate or key extension
/// must, and other files are read only if they contain PEM blocks (so `/etc/ssl` with its
/// READMEs and symlinks can be named as is).
struct CertificateInputs {
    struct CertificateFile {
        var path: String
        var certificates: [CertificateFact]
    }

    var certificateFiles: [CertificateFile] = []
    var keyFiles: [KeyFileObservation] = []
    var unreadable: [UnreadableInput] = []
    /// Resolved paths already read: `/etc/ssl/certs` links every certificate under a hash name too.
    private var seen: Set<String> = []

    static let extensions: Set<String> = ["pem", "crt", "cer", "der", "key", "cert", "ca-bundle", "p7b"]

    init(paths: [String]) {
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                unreadable.append(UnreadableInput(path: path, reason: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                for file in Self.files(under: path) { read(file, explicit: false) }
            } else {
                read(path, explicit: true)
            }
        }
    }

    private mutating func read(_ path: String, explicit: Bool) {
        guard seen.insert((path as NSString).resolvingSymlinksInPath).inserted else { return }
        let named = explicit || Self.extensions.contains((path as NSString).pathExtension.lowercased())
        guard let data = FileManager.default.contents(atPath: path) else {
            unreadable.append(UnreadableInput(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))"))
            return
        }
        let bytes = [UInt8](data)
        guard named || Self.containsPEM(bytes) else { return }
        let contents: TLSFileContents
        do {
            contents = try CertificateParser.contents(of: bytes, source: path)
        } catch {
            unreadable.append(UnreadableInput(path: path, reason: error.description))
            return
        }
        if !contents.certificates.isEmpty { certificateFiles.append(CertificateFile(path: path, certificates: contents.certificates)) }
        for key in contents.privateKeys {
            keyFiles.append(Self.keyFile(path, key: key))
        }
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

    /// Regular files below `directory`, sorted, following no symlinked directories twice.
    private static func files(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files.append(path)
        }
        return files.sorted()
    }

    private static func containsPEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return (0...(bytes.count - marker.count)).contains { bytes[$0] == 45 && bytes[$0..<$0 + marker.count].elementsEqual(marker) }
    }
}
