import Glibc

/// Where to read the journal from (SPEC §3: `--journal-file`, `--journal-dir`, or the local journal).
public enum JournalSource: Sendable, Hashable {
    /// This machine's journal: `/var/log/journal/<machine-id>` and `/run/log/journal/<machine-id>`.
    case local
    /// Every journal file in a directory and in its machine-id subdirectories, as journald lays them out.
    case directory(String)
    /// Exactly these journal files.
    case files([String])

    /// The journal files this source names, sorted, without opening them.
    func journalFiles() throws(JournalError) -> [String] {
        switch self {
        case .files(let paths):
            for path in paths where access(path, F_OK) != 0 {
                throw .inputMissing(path: path, errno: errno)
            }
            return paths
        case .directory(let path):
            guard isDirectory(path) else { throw .inputMissing(path: path, errno: isPresent(path) ? ENOTDIR : ENOENT) }
            let files = Self.journalFiles(under: path, machineID: nil)
            guard !files.isEmpty else { throw .noJournalFiles(location: path) }
            return files
        case .local:
            let machineID = Self.localMachineID()
            let roots = ["/var/log/journal", "/run/log/journal"]
            let files = roots.flatMap { Self.journalFiles(under: $0, machineID: machineID) }
            guard !files.isEmpty else { throw .noJournalFiles(location: roots.joined(separator: ", ")) }
            return files
        }
    }

    /// Journal files directly in `directory` and in its journal subdirectories (a machine id,
    /// optionally with a `.namespace` suffix); with `machineID`, only that machine's subdirectories.
    private static func journalFiles(under directory: String, machineID: String?) -> [String] {
        var files: [String] = []
        for name in directoryEntries(directory) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isJournalFileName(name), !isDirectory(path) {
                if machineID == nil { files.append(path) }
            } else if isJournalSubdirectoryName(name), isDirectory(path) {
                if let machineID, !name.hasPrefix(machineID) { continue }
                files += directoryEntries(path).filter(isJournalFileName).map { path + "/" + $0 }
            }
        }
        return files.sorted()
    }

    private static func isJournalFileName(_ name: String) -> Bool {
        name.hasSuffix(".journal") || name.hasSuffix(".journal~")
    }

    private static func isJournalSubdirectoryName(_ name: String) -> Bool {
        let machineID = name.prefix(32)
        return machineID.count == 32 && machineID.allSatisfy(\.isHexDigit)
            && (name.count == 32 || name.dropFirst(32).hasPrefix("."))
    }

    private static func localMachineID() -> String? {
        guard let file = fopen("/etc/machine-id", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let trimmed = text.trimmingSuffix(while: { $0 == "\n" })
        return trimmed.count == 32 ? trimmed : nil
    }
}

private func directoryEntries(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}

private func isPresent(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0
}

private func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
