import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import NIOCore
import RulePackDistribution

/// Rule packs published to the collector and assigned to systems (issue 25). The collector
/// checks what it is given (archive, manifest, signature by the key sent with it) so that a
/// corrupted upload is refused at once, but agents do not trust it: they verify every pack
/// against the keys they pin themselves.
extension CollectorAPI {
    func addRulePackRoutes(to api: RouterGroup<CollectorContext>) {
        api.post("rule-packs") { request, context -> Response in
            let user = try context.user(atLeast: .admin)
            let upload = try await RequestBody.decode(APIMessages.RulePackUpload.self, from: request, context: context)
            guard let archive = Data(base64Encoded: upload.archive).map(Array.init) else {
                throw HTTPError(.badRequest, message: "archive: not base64")
            }
            let pack: SignedRulePack
            let key: MinisignPublicKey
            do throws(PackError) {
                pack = try SignedRulePack(archive: archive, signature: upload.signature)
                key = try pack.signature.verify(archive, against: [MinisignPublicKey(parsing: upload.publicKey, source: "public_key")])
            } catch {
                throw HTTPError(.badRequest, message: error.description)
            }
            let release = RulePackRelease(
                version: pack.version, name: pack.name, minimumAgentVersion: pack.manifest.minimumAgentVersion, sha256: pack.sha256,
                keyID: key.id, size: archive.count, publishedAt: now(), publishedBy: "user:\(user.name)")
            try await stored { () async throws(StoreError) in
                try await store.addRulePack(release, archive: archive, signature: upload.signature)
            }
            try await audit(context.caller, "rules.publish", pack.version, "\(pack.name), key \(key.id), sha256 \(pack.sha256)")
            guides.learn(from: pack)
            return try Response.json(release, status: .created)
        }
        api.get("rule-packs") { _, context -> [RulePackRelease] in
            _ = try context.user(atLeast: .viewer)
            return try await stored { () async throws(StoreError) in try await store.rulePacks() }
        }
        api.get("rule-packs/status") { _, context -> APIMessages.RulePackStatus in
            _ = try context.user(atLeast: .viewer)
            let packs = try await stored { () async throws(StoreError) in try await store.rulePacks() }
            let assignments = try await stored { () async throws(StoreError) in try await store.rulePackAssignments() }
            let hosts = try await currentHosts(system: nil).filter { $0.status != .revoked }.map { host in
                APIMessages.HostRulePack(
                    agentID: host.agentID, hostname: host.hostname, system: host.system, status: host.status,
                    assigned: RulePackAssignment.version(for: host.system, in: assignments)?.version, running: host.rulesVersion,
                    failure: host.rulesFailure, lastSeen: host.lastSeen)
            }
            return APIMessages.RulePackStatus(packs: packs, assignments: assignments, hosts: hosts)
        }
        api.post("rule-packs/:version/assign") { request, context -> [RulePackAssignment] in
            let user = try context.user(atLeast: .admin)
            let version = try context.parameters.require("version")
            let body = try await RequestBody.decode(APIMessages.RulePackAssignRequest.self, from: request, context: context)
            let systems: [String?]
            switch (body.systems ?? [], body.all ?? false) {
            case ([], true): systems = [nil]
            case (let named, false) where !named.isEmpty: systems = named
            default: throw HTTPError(.badRequest, message: "name the systems (systems: [ID…]) or every system (all: true), not both")
            }
            let assignments = systems.map {
                RulePackAssignment(system: $0, version: version, assignedAt: now(), assignedBy: "user:\(user.name)")
            }
            try await stored { () async throws(StoreError) in try await store.assignRulePack(assignments) }
            for assignment in assignments {
                try await audit(context.caller, "rules.assign", version, assignment.system.map { "system \($0)" } ?? "every system")
            }
            return assignments
        }
        for (file, contentType) in [("archive", "application/x-tar"), ("signature", "text/plain; charset=utf-8")] {
            // Agents fetch the pack they are assigned; people may fetch any to inspect it.
            api.get("rule-packs/:version/\(file)") { _, context -> Response in
                if case .user = context.caller { _ = try context.user(atLeast: .viewer) } else { _ = try context.agent() }
                let version = try context.parameters.require("version")
                guard let files = try await stored({ () async throws(StoreError) in try await store.rulePackFiles(version: version) })
                else { throw HTTPError(.notFound, message: "not found: rule pack version \(version)") }
                let bytes = file == "archive" ? files.archive : Array(files.signature.utf8)
                return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }

    /// The version a system's agents are told to run, if one is assigned.
    func assignedRulePack(system: String) async throws -> APIMessages.AssignedRulePack? {
        let assignments = try await stored { () async throws(StoreError) in try await store.rulePackAssignments() }
        guard let assigned = RulePackAssignment.version(for: system, in: assignments) else { return nil }
        let packs = try await stored { () async throws(StoreError) in try await store.rulePacks() }
        return packs.first { $0.version == assigned.version }.map { APIMessages.AssignedRulePack(version: $0.version, sha256: $0.sha256) }
    }
}
