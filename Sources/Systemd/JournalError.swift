/// What went wrong talking to the journal, with the function and errno libsystemd returned.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A named file or directory does not exist or cannot be read at all.
    case inputMissing(path: String, errno: Int32)
    /// No journal file was found where the journal was expected.
    case noJournalFiles(location: String)
    /// libsystemd refused to open the journal.
    case openFailed(function: String, errno: Int32)
    /// A read call failed while iterating.
    case readFailed(function: String, errno: Int32)
    /// A cursor string was rejected by libsystemd.
    case invalidCursor(String)
    /// A match expression was refused (it must look like FIELD=value).
    case invalidMatch(String)

    public var description: String {
        switch self {
        case let .inputMissing(path, errno):
            "\(path): \(systemErrorText(errno)); check the path and that the agent's user may read it"
        case let .noJournalFiles(location):
            "\(location): no journal files (*.journal) found; is journald storing logs there?"
        case let .openFailed(function, errno):
            "\(function) failed: \(systemErrorText(errno))"
        case let .readFailed(function, errno):
            "\(function) failed while reading the journal: \(systemErrorText(errno))"
        case let .invalidCursor(cursor):
            "journal cursor \"\(cursor)\" was rejected; it must be a cursor printed by this journal"
        case let .invalidMatch(match):
            "journal match \"\(match)\" is invalid; write it as FIELD=value with an upper-case field name"
        }
    }
}

/// A journal file that could not be read in full. Reading goes on with the other files.
public struct JournalFileProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The file could not be opened: truncated, not a journal, unsupported or unreadable.
        case unopenable(errno: Int32)
        /// The file opened but some entries in it could not be read.
        case unreadableEntries(read: Int, expected: Int)
    }

    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .unopenable(let errno):
            let reason =
                switch errno {
                case 61, 74: "the file is truncated or corrupted"  // ENODATA, EBADMSG
                case 93, 95: "the file uses a journal format this libsystemd does not support"  // EPROTONOSUPPORT, EOPNOTSUPP
                case 13, 1: "permission denied; add the agent's user to the systemd-journal group"  // EACCES, EPERM
                default: systemErrorText(errno)
                }
            return "\(path): cannot open journal file: \(reason)"
        case let .unreadableEntries(read, expected):
            return "\(path): journal file is corrupted: \(expected - read) of \(expected) entries could not be read"
        }
    }
}
