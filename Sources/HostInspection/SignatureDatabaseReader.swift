public import CanhModel
import Foundation

/// ClamAV's signature databases: the 512-byte header of each `.cvd` / `.cld` file under
/// /var/lib/clamav (`ClamAV-VDB:BUILD TIME:VERSION:SIGNATURES:LEVEL:MD5:SIGNATURE:BUILDER:SECONDS`,
/// padded with spaces; a `.cld` is an unpacked `.cvd` with the same header).
public enum SignatureDatabaseReader {
    public static let directory = "/var/lib/clamav"
    static let headerLength = 512

    public static func read(_ root: HostRoot) -> ConfigurationState<[SignatureDatabase]> {
        guard root.isDirectory(directory) else { return .missing("\(directory) does not exist") }
        var databases: [SignatureDatabase] = []
        for name in root.list(directory) where name.hasSuffix(".cvd") || name.hasSuffix(".cld") {
            let file = "\(directory)/\(name)"
            switch root.readHead(file, count: headerLength) {
            case .success(let bytes):
                guard let database = parse(bytes, file: file) else {
                    return .unreadable("\(file) has no ClamAV-VDB header with a version and a build time")
                }
                databases.append(database)
            case .failure(let unreadable):
                return .unreadable(unreadable.description)
            }
        }
        return .read(databases)
    }

    static func parse(_ header: [UInt8], file: String) -> SignatureDatabase? {
        guard header.count == headerLength, let text = String(bytes: header, encoding: .ascii) else { return nil }
        let fields = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        // The build time in words holds colons too ("12 Nov 2026 07:56 -0500"): count from the end.
        guard fields.count >= 9, fields[0] == "ClamAV-VDB", let seconds = Int64(fields[fields.count - 1]), seconds > 0,
            let version = Int(fields[fields.count - 7]), let signatures = Int(fields[fields.count - 6])
        else { return nil }
        return SignatureDatabase(file: file, version: version, signatures: signatures, builtAt: Timestamp(secondsSinceEpoch: seconds))
    }
}
