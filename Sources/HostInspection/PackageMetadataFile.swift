import CompressNIO
import Foundation
import NIOCore

/// Package managers' metadata as they cache it: plain, or gzip'd (dnf's updateinfo, apt's
/// lists under `Acquire::GzipIndexes`). Other compressions are named in the error, so the
/// sysadmin knows why the host cannot be judged.
enum PackageMetadataFile {
    /// A bound on what one file may decompress to: Fedora's largest updateinfo is a few
    /// hundred megabytes less than this; a file that inflates past it is not metadata.
    static let maximumBytes = 512 << 20

    static func isCompressed(_ hostPath: String) -> Bool {
        [".gz", ".xz", ".zst", ".bz2", ".lz4", ".zck"].contains { hostPath.hasSuffix($0) }
    }

    /// The bytes of `hostPath`, decompressed when its name ends in `.gz`.
    static func read(_ root: HostRoot, _ hostPath: String) -> Result<[UInt8], HostRoot.UnreadableFile> {
        func failure(_ why: String) -> Result<[UInt8], HostRoot.UnreadableFile> {
            .failure(HostRoot.UnreadableFile(description: "\(hostPath) \(why)"))
        }
        if isCompressed(hostPath), !hostPath.hasSuffix(".gz") {
            return failure("is compressed with \(hostPath.split(separator: ".").last ?? ""): only gzip'd and plain metadata are read")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: root.path + hostPath),
            let size = attributes[.size] as? Int, attributes[.type] as? FileAttributeType == .typeRegular
        else { return failure("is missing or not a regular file") }
        guard size <= maximumBytes else { return failure("is \(size) bytes, more than package metadata can be") }
        guard let data = FileManager.default.contents(atPath: root.path + hostPath) else {
            return failure("cannot be read (\(String(cString: strerror(errno))))")
        }
        guard hostPath.hasSuffix(".gz") else { return .success([UInt8](data)) }
        var buffer = ByteBuffer(bytes: data)
        do {
            let inflated = try buffer.decompress(with: .gzip(), maxSize: maximumBytes)
            return .success(Array(inflated.readableBytesView))
        } catch {
            return failure("is not valid gzip data or inflates past \(maximumBytes >> 20) MiB (\(error))")
        }
    }
}
