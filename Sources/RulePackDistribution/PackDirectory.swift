import Foundation
import Glibc

/// A pack's files on disk: read from the directory `rules publish` is given, written where an
/// agent keeps the packs it received.
public enum PackDirectory {
    /// Every YAML file below `directory` (what a rule pack is made of), paths relative to it,
    /// sorted; hidden files and everything else left out.
    public static func entries(of directory: String) throws(PackError) -> [PackArchive.Entry] {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard let enumerator = FileManager.default.enumerator(atPath: base) else {
            throw .fileSystem("\(base): not a directory that can be read")
        }
        var entries: [PackArchive.Entry] = []
        while let relative = enumerator.nextObject() as? String {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            guard !name.hasPrefix("."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            guard PackPath.isValid(relative) else {
                throw .malformedArchive("\(base)/\(relative): a pack's file names use letters, digits, . - _ only, at most 100 bytes")
            }
            guard let data = FileManager.default.contents(atPath: base + "/" + relative) else {
                throw .fileSystem("\(base)/\(relative): cannot be read")
            }
            entries.append(PackArchive.Entry(path: relative, bytes: Array(data)))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Writes `files` into `directory`, which must not exist yet: directories 0700, files 0600.
    public static func write(_ files: [PackArchive.Entry], to directory: String) throws(PackError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            for file in files {
                // PackPath keeps every name inside `directory`.
                guard PackPath.isValid(file.path) else { throw PackError.malformedArchive("\(file.path): not a valid name inside a pack") }
                let path = directory + "/" + file.path
                let parent = (path as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                guard FileManager.default.createFile(atPath: path, contents: Data(file.bytes), attributes: [.posixPermissions: 0o600])
                else {
                    throw PackError.fileSystem("\(path): cannot be written: \(String(cString: strerror(errno)))")
                }
            }
        } catch let error as PackError {
            throw error
        } catch {
            throw .fileSystem("\(directory): cannot be written: \(error.localizedDescription)")
        }
    }
}
