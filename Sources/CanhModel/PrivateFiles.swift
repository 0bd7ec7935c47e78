import Glibc

/// Files only their owner may read: the collector's store and the agent's spool hold findings,
/// host names and evidence, which other local users have no business reading.
public enum PrivateFiles {
    /// Makes the SQLite database at `path` (created empty when missing) and its `-wal` and `-shm`
    /// files mode 0600 before SQLite opens them; SQLite creates those two with the database's
    /// mode. Returns why it could not, or nil.
    public static func restrictDatabase(at path: String) -> String? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard descriptor >= 0 else { return "cannot open \(path): \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode_t(0o600)) == 0 else { return "cannot make \(path) private: \(String(cString: strerror(errno)))" }
        for suffix in ["-wal", "-shm"] {
            // Left by an earlier run with another mode; absent files are created later by SQLite.
            if chmod(path + suffix, mode_t(0o600)) != 0, errno != ENOENT {
                return "cannot make \(path + suffix) private: \(String(cString: strerror(errno)))"
            }
        }
        return nil
    }

    /// Why a secret's file is not private (readable or writable by others than its owner and
    /// group), or nil when it is.
    public static func problem(with path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return "cannot read \(path): \(String(cString: strerror(errno)))" }
        guard status.st_mode & 0o007 == 0 else {
            return "\(path) can be read by every user (mode \(String(status.st_mode & 0o777, radix: 8))); chmod 0600 or 0640 it"
        }
        return nil
    }
}
