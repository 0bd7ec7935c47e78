import CanhModel
import CollectorStore
import Foundation
import Hummingbird
import NIOCore

extension CollectorAPI {
    /// The hosts with their status as of now: stale is derived, not stored — an active host not
    /// heard from for three heartbeats.
    func currentHosts(system: String?) async throws -> [EnrolledHost] {
        let staleBefore = now() - .seconds(3 * heartbeatSeconds)
        return try await stored { () async throws(StoreError) in try await store.hosts(system: system) }.map { host in
            var host = host
            if host.status == .active, (host.lastSeen ?? host.enrolledAt) < staleBefore { host.status = .stale }
            return host
        }
    }

    func addInventoryRoutes(to api: RouterGroup<CollectorContext>) {
        api.get("systems") { _, context -> [InformationSystem] in
            _ = try context.user(atLeast: .viewer)
            return try await stored { () async throws(StoreError) in try await store.systems() }
        }
        api.get("systems/:id") { _, context -> InformationSystem in
            _ = try context.user(atLeast: .viewer)
            let id = try context.parameters.require("id")
            guard let system = try await stored({ () async throws(StoreError) in try await store.system(id: id) }) else {
                throw HTTPError(.notFound, message: "not found: system \(id)")
            }
            return system
        }
        api.post("systems") { request, context -> Response in
            _ = try context.user(atLeast: .admin)
            let system = try await RequestBody.decode(InformationSystem.self, from: request, context: context)
            try Self.validate(system)
            try await stored { () async throws(StoreError) in try await store.addSystem(system) }
            try await audit(context.caller, "system.add", system.id, "level \(system.level), dossier \(system.dossier.rawValue)")
            return try Response.json(system, status: .created)
        }
        api.put("systems/:id") { request, context -> InformationSystem in
            _ = try context.user(atLeast: .admin)
            let id = try context.parameters.require("id")
            let system = try await RequestBody.decode(InformationSystem.self, from: request, context: context)
            guard system.id == id else { throw HTTPError(.badRequest, message: "id: the body names \(system.id), the path \(id)") }
            try Self.validate(system)
            try await stored { () async throws(StoreError) in try await store.updateSystem(system) }
            try await audit(context.caller, "system.update", id, "level \(system.level), dossier \(system.dossier.rawValue)")
            return system
        }
        api.delete("systems/:id") { _, context -> HTTPResponse.Status in
            _ = try context.user(atLeast: .admin)
            let id = try context.parameters.require("id")
            try await stored { () async throws(StoreError) in try await store.removeSystem(id: id) }
            try await audit(context.caller, "system.remove", id)
            return .noContent
        }
        api.get("hosts") { request, context -> [EnrolledHost] in
            _ = try context.user(atLeast: .viewer)
            let hosts = try await currentHosts(system: request.uri.queryParameters.get("system"))
            guard let status = try request.uri.queryParameters.choice("status", as: EnrolledHost.Status.self) else { return hosts }
            return hosts.filter { $0.status == status }
        }
        api.post("hosts/:agent/revoke") { _, context -> EnrolledHost in
            _ = try context.user(atLeast: .admin)
            let agentID = try context.parameters.require("agent")
            try await stored { () async throws(StoreError) in try await store.setHostStatus(agentID: agentID, .revoked) }
            try await audit(context.caller, "host.revoke", agentID)
            guard let host = try await stored({ () async throws(StoreError) in try await store.host(agentID: agentID) }) else {
                throw HTTPError(.notFound, message: "not found: host \(agentID)")
            }
            return host
        }
        api.get("certs") { request, context -> [CertificateRecord] in
            _ = try context.user(atLeast: .viewer)
            var before: Timestamp?
            if let within = request.uri.queryParameters.get("expiring_within") {
                guard let days = InputLimits.expiryWindowDays(within) else {
                    throw HTTPError(.badRequest, message: "expiring_within: \(InputLimits.expiryWindowHelp)")
                }
                before = now() + .days(days)
            }
            let system = request.uri.queryParameters.get("system")
            return try await stored { () async throws(StoreError) in try await store.certificates(system: system, expiringBefore: before) }
        }
        api.get("users") { _, context -> [User] in
            _ = try context.user(atLeast: .admin)
            return try await stored { () async throws(StoreError) in try await store.users() }
        }
        api.post("users") { request, context -> Response in
            _ = try context.user(atLeast: .admin)
            let body = try await RequestBody.decode(APIMessages.UserRequest.self, from: request, context: context)
            guard InformationSystem.isValidID(body.name) else {
                throw HTTPError(.badRequest, message: "name: use 1 to 64 of a-z, 0-9 and -")
            }
            let token = Secrets.newToken()
            let user = User(name: body.name, role: body.role, createdAt: now())
            try await stored { () async throws(StoreError) in try await store.addUser(user, tokenHash: Secrets.hash(token)) }
            try await audit(context.caller, "user.add", user.name, user.role.rawValue)
            return try Response.json(APIMessages.UserResponse(user: user, token: token), status: .created)
        }
        api.post("users/:name/signout") { _, context -> APIMessages.SignOutReply in
            _ = try context.user(atLeast: .admin)
            let name = try context.parameters.require("name")
            guard try await stored({ () async throws(StoreError) in try await store.users() }).contains(where: { $0.name == name }) else {
                throw HTTPError(.notFound, message: "not found: user \(name)")
            }
            let ended = try await stored { () async throws(StoreError) in
                try await store.revokeConsoleSessions(idHash: nil, user: name, at: now())
            }
            try await audit(context.caller, "console.sessions.revoke", name, "\(ended) session(s)")
            return APIMessages.SignOutReply(ended: ended)
        }
        api.get("audit") { request, context -> [AuditEntry] in
            _ = try context.user(atLeast: .admin)
            let limit = try request.uri.queryParameters.number("limit", in: 1...10_000) ?? 100
            return try await stored { () async throws(StoreError) in try await store.auditLog(limit: limit) }
        }
    }

    static func validate(_ system: InformationSystem) throws {
        guard InformationSystem.isValidID(system.id) else {
            throw HTTPError(.badRequest, message: "id: \"\(system.id)\" is not a valid system id (1 to 64 of a-z, 0-9 and -)")
        }
        guard !system.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw HTTPError(.badRequest, message: "name: empty") }
        guard !system.owner.trimmingCharacters(in: .whitespaces).isEmpty else { throw HTTPError(.badRequest, message: "owner: empty") }
        // Names go into every table, report and alert: one line of text each.
        var texts: [(String, String?)] = [
            ("name", system.name), ("owner", system.owner), ("operator", system.operatorUnit), ("decision_number", system.decisionNumber),
            ("decision_issuer", system.decisionIssuer), ("appraisal.number", system.appraisal?.number),
            ("appraisal.issuer", system.appraisal?.issuer), ("regulation.number", system.regulation?.number),
            ("regulation.issuer", system.regulation?.issuer), ("security_unit", system.securityUnit),
            ("contact.name", system.contact?.name),
            ("contact.title", system.contact?.title), ("contact.phone", system.contact?.phone), ("contact.email", system.contact?.email),
            ("monitored_elsewhere.by", system.monitoredElsewhere?.by),
            ("monitored_elsewhere.evidence", system.monitoredElsewhere?.evidence),
        ]
        for (index, assessment) in system.assessments.enumerated() {
            texts += [("assessments[\(index)].assessor", assessment.assessor), ("assessments[\(index)].result", assessment.result)]
        }
        for case (let field, let value?) in texts where value.containsControlCharacter || value.count > 512 {
            throw HTTPError(.badRequest, message: "\(field): at most 512 characters and no control characters")
        }
        var dates: [(String, String?)] = [
            ("decision_date", system.decisionDate), ("appraisal.date", system.appraisal?.date),
            ("expected_approval", system.expectedApproval),
            ("regulation.date", system.regulation?.date), ("go_live", system.goLive), ("plan_expected", system.planExpected),
            ("monitored_elsewhere.until", system.monitoredElsewhere?.until),
        ]
        dates += system.assessments.enumerated().map { ("assessments[\($0.offset)].date", $0.element.date) }
        for case (let field, let value?) in dates where !CalendarDateText.isValid(value) {
            throw HTTPError(.badRequest, message: "\(field): \"\(value.prefix(40))\" is not a date; write YYYY-MM-DD")
        }
        guard system.assessments.count <= 200 else {
            throw HTTPError(.badRequest, message: "assessments: at most 200 per system")
        }
        if let elsewhere = system.monitoredElsewhere, elsewhere.by.isEmpty || elsewhere.evidence.isEmpty {
            throw HTTPError(.badRequest, message: "monitored_elsewhere: name who monitors it (by) and what shows it (evidence)")
        }
        if system.dossier == .approved, system.decisionNumber == nil {
            throw HTTPError(.badRequest, message: "decision_number: an approved dossier names the approving decision")
        }
    }
}

extension Response {
    /// A JSON response with a status other than 200.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
