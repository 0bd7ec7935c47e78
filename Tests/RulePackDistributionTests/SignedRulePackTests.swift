import CanhModel
import Foundation
import RulePackDistribution
import TestSupport
import Testing

@Suite struct SignedRulePackTests {
    let key = PackSigningKey()
    let time = Timestamp(microsecondsSinceEpoch: 1_796_000_000_000_000)

    func pack(_ version: String = "2026.12.0", files: [PackArchive.Entry]? = nil, key: PackSigningKey? = nil) throws -> SignedRulePack {
        let files = try files ?? PackDirectory.entries(of: ProcessRunner.repositoryRoot + "/rules")
        return try SignedRulePack.build(
            files: files, name: "canh-default", version: version, minimumAgentVersion: "0.1.0", key: key ?? self.key, at: time)
    }

    func reopened(_ pack: SignedRulePack) throws -> SignedRulePack {
        try SignedRulePack(archive: pack.archive, signature: pack.signature.fileText)
    }

    @Test func theDefaultPackRoundTripsAndVerifies() throws {
        let built = try pack()
        let opened = try reopened(built)
        #expect(opened.files.map(\.path).contains("journal/ssh.yaml"))
        #expect(opened.files.map(\.path).contains("pack.yaml"))
        #expect(opened.manifest.files.count == opened.files.count)
        #expect(opened.sha256 == built.sha256)
        let signer = try opened.verify(against: [key.publicKey], running: (version: "2026.11.0", sha256: nil), agentVersion: "0.1.0")
        #expect(signer == key.publicKey)
        // The same files make the same bytes: a publish can be repeated and compared.
        #expect(try pack().archive == built.archive)
    }

    @Test func standardToolsReadTheArchiveAndTheSignature() async throws {
        let directory = try TemporaryDirectory()
        let built = try pack()
        let archive = try directory.write(built.archive, to: built.archiveName)
        _ = try directory.write(built.signature.fileText, to: built.archiveName + ".minisig")
        let publicKey = try directory.write(key.publicKey.fileText, to: "canh.pub")
        let listing = try await ProcessRunner.run("/usr/bin/tar", ["-tf", archive])
        #expect(listing.status == 0)
        #expect(listing.outputLines.first == "manifest.json")
        #expect(listing.outputLines.contains("journal/ssh.yaml"))
        let verified = try await ProcessRunner.run("/usr/bin/minisign", ["-V", "-p", publicKey, "-m", archive])
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains("pack:canh-default\tversion:2026.12.0"))
        // minisign refuses the archive once a byte changes: the format is minisign's, not a look-alike.
        var changed = built.archive
        changed[600] ^= 1
        _ = try directory.write(changed, to: built.archiveName)
        #expect(try await ProcessRunner.run("/usr/bin/minisign", ["-V", "-p", publicKey, "-m", archive]).status != 0)
    }

    @Test func aSignatureMadeByMinisignItselfVerifies() async throws {
        let directory = try TemporaryDirectory()
        let built = try pack()
        let archive = try directory.write(built.archive, to: "pack.tar")
        let generated = try await ProcessRunner.run(
            "/usr/bin/minisign", ["-G", "-W", "-p", directory.file("m.pub"), "-s", directory.file("m.key")])
        #expect(generated.status == 0, "\(generated.standardError)")
        let signed = try await ProcessRunner.run(
            "/usr/bin/minisign",
            ["-S", "-l", "-s", directory.file("m.key"), "-m", archive, "-t", "file:pack.tar\tpack:canh-default\tversion:2026.12.0"])
        #expect(signed.status == 0, "\(signed.standardError)")
        let publicKey = try MinisignPublicKey(parsing: String(contentsOfFile: directory.file("m.pub"), encoding: .utf8), source: "m.pub")
        let opened = try SignedRulePack(archive: built.archive, signature: String(contentsOfFile: archive + ".minisig", encoding: .utf8))
        #expect(try opened.verify(against: [publicKey], running: nil, agentVersion: "0.1.0") == publicKey)
        // Key ids read as minisign prints them.
        #expect(
            try String(contentsOfFile: directory.file("m.pub"), encoding: .utf8).hasPrefix(
                "untrusted comment: minisign public key \(publicKey.id)\n"))
        #expect(opened.signature.keyIDText == publicKey.id)
    }

    @Test("key ids print as minisign prints them: upper-case hex without leading zeros")
    func keyIDsAsMinisignPrintsThem() throws {
        let leadingZero = MinisignPublicKey(keyID: [0xF3, 0x63, 0xE5, 0x1A, 0xD3, 0x5C, 0x75, 0x00], key: key.publicKey.key)
        #expect(leadingZero.id == "755CD31AE563F3")
        #expect(leadingZero.fileText.hasPrefix("untrusted comment: minisign public key 755CD31AE563F3\n"))
        let full = MinisignPublicKey(keyID: [0x01, 0, 0, 0, 0, 0, 0, 0xA0], key: key.publicKey.key)
        #expect(full.id == "A000000000000001")
    }

    @Test func anotherKeyIsRefusedAndRotationWithTwoPinnedKeysWorks() throws {
        let other = PackSigningKey()
        let byOther = try reopened(try pack(key: other))
        #expect(throws: PackError.untrustedKey(keyID: other.publicKey.id, pinned: [key.publicKey.id])) {
            try byOther.verify(against: [key.publicKey], running: nil, agentVersion: "0.1.0")
        }
        // During a rotation agents pin the old and the new key; packs signed by either load.
        let pinned = [key.publicKey, other.publicKey]
        #expect(try byOther.verify(against: pinned, running: nil, agentVersion: "0.1.0") == other.publicKey)
        #expect(try reopened(try pack()).verify(against: pinned, running: nil, agentVersion: "0.1.0") == key.publicKey)
        // A key that claims a pinned key's id but is not that key fails the signature check.
        let forged = try MinisignSignature(
            signing: try pack().archive, with: other, trustedComment: "pack:canh-default\tversion:2026.12.0", untrustedComment: "x")
        let text = forged.fileText.replacingOccurrences(
            of: Data(Array("Ed".utf8) + other.keyID + forged.signature).base64EncodedString(),
            with: Data(Array("Ed".utf8) + key.keyID + forged.signature).base64EncodedString())
        let impostor = try SignedRulePack(archive: try pack().archive, signature: text)
        #expect(throws: PackError.badSignature(keyID: key.publicKey.id)) {
            try impostor.verify(against: [key.publicKey], running: nil, agentVersion: "0.1.0")
        }
    }

    @Test func aFileChangedAfterSigningIsRefusedByName() throws {
        let built = try pack()
        // The attacker rewrites ssh.yaml inside the archive, keeping the signed manifest.
        var entries = try PackArchive.entries(of: built.archive)
        let index = try #require(entries.firstIndex { $0.path == "journal/ssh.yaml" })
        entries[index].bytes += Array("\n# changed\n".utf8)
        #expect(throws: PackError.manifestMismatch(path: "journal/ssh.yaml", reason: "its SHA-256 is not the manifest's")) {
            try SignedRulePack(archive: try PackArchive.make(entries), signature: built.signature.fileText)
        }
        // A file added to the archive, or one left out.
        #expect(throws: PackError.manifestMismatch(path: "zz.yaml", reason: "is not in the manifest")) {
            try SignedRulePack(
                archive: try PackArchive.make(try PackArchive.entries(of: built.archive) + [.init(path: "zz.yaml", bytes: [])]),
                signature: built.signature.fileText)
        }
        entries = try PackArchive.entries(of: built.archive).filter { $0.path != "journal/sudo.yaml" }
        #expect(throws: PackError.manifestMismatch(path: "journal/sudo.yaml", reason: "is in the manifest but not in the archive")) {
            try SignedRulePack(archive: try PackArchive.make(entries), signature: built.signature.fileText)
        }
        // With the manifest rewritten to match, the archive no longer matches its signature.
        let rebuilt = try pack(
            files: try PackArchive.entries(of: built.archive).dropFirst().map { entry in
                entry.path == "journal/ssh.yaml" ? .init(path: entry.path, bytes: entry.bytes + [10]) : entry
            })
        let forged = try SignedRulePack(archive: rebuilt.archive, signature: built.signature.fileText)
        #expect(throws: PackError.badSignature(keyID: key.publicKey.id)) {
            try forged.verify(against: [key.publicKey], running: nil, agentVersion: "0.1.0")
        }
    }

    @Test func olderPacksAndPacksForNewerAgentsAreRefused() throws {
        let older = try reopened(try pack("2026.11.9"))
        #expect(throws: PackError.downgrade(offered: "2026.11.9", running: "2026.11.10")) {
            try older.verify(against: [key.publicKey], running: (version: "2026.11.10", sha256: nil), agentVersion: "0.1.0")
        }
        let same = try reopened(try pack("2026.12.0"))
        // The same version again is fine when it is the same bytes (a restart), not otherwise.
        try same.verify(against: [key.publicKey], running: (version: "2026.12.0", sha256: same.sha256), agentVersion: "0.1.0")
        #expect(throws: PackError.downgrade(offered: "2026.12.0", running: "2026.12.0")) {
            try same.verify(against: [key.publicKey], running: (version: "2026.12.0", sha256: "other"), agentVersion: "0.1.0")
        }
        let future = try SignedRulePack.build(
            files: [.init(path: "pack.yaml", bytes: [])], name: "canh-default", version: "2027.1.0", minimumAgentVersion: "0.2.0",
            key: key, at: time)
        #expect(throws: PackError.agentTooOld(required: "0.2.0", running: "0.1.0")) {
            try reopened(future).verify(against: [key.publicKey], running: nil, agentVersion: "0.1.0")
        }
        // The version in the signed comment must be the manifest's: a re-labelled archive is refused.
        let relabelled = try MinisignSignature(
            signing: future.archive, with: key, trustedComment: "pack:canh-default\tversion:2099.1.0", untrustedComment: "x")
        #expect(throws: PackError.commentMismatch("names pack canh-default version 2099.1.0, the manifest canh-default 2027.1.0")) {
            try SignedRulePack(archive: future.archive, signature: relabelled.fileText)
        }
    }

    @Test func versionOrder() {
        #expect(PackVersion("2026.12.9") < PackVersion("2026.12.10"))
        #expect(PackVersion("2026.12") < PackVersion("2026.12.0"))
        #expect(!(PackVersion("2027.1.0") < PackVersion("2026.12.31")))
        #expect(PackVersion("0.1.0") < PackVersion("0.10.0"))
        #expect(!PackVersion.isValid("1..2") && !PackVersion.isValid("") && !PackVersion.isValid("1.0 beta"))
    }
}
