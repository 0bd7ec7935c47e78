import CanhModel
import CollectorPKI
import CollectorStore
import Foundation
import Hummingbird
import Prometheus

extension CollectorAPI {
    func addEnrollmentRoutes(to api: RouterGroup<CollectorContext>) {
        api.post("tokens") { request, context -> Response in
            _ = try context.user(atLeast: .admin)
            let body = try await RequestBody.decode(APIMessages.TokenRequest.self, from: request, context: context)
            let seconds = body.expiresIn ?? 86_400
            let uses = body.uses ?? 1
            guard (60...(90 * 86_400)).contains(seconds) else {
                throw HTTPError(.badRequest, message: "expires_in: between 60 seconds and 90 days")
            }
            guard (1...10_000).contains(uses) else { throw HTTPError(.badRequest, message: "uses: between 1 and 10000") }
            let token = Secrets.newToken()
            let created = now()
            let enrollment = EnrollmentToken(
                id: Secrets.shortID(), system: body.system, expiresAt: created + .seconds(Int64(seconds)), usesLeft: uses,
                createdBy: context.caller?.actor ?? "", createdAt: created)
            try await stored { () async throws(StoreError) in try await store.addEnrollmentToken(enrollment, tokenHash: Secrets.hash(token))
            }
            try await audit(
                context.caller, "token.create", enrollment.id, "system \(body.system), \(uses) use(s), expires \(enrollment.expiresAt)")
            return try Response.json(APIMessages.TokenResponse(token: token, enrollment: enrollment), status: .created)
        }

        // Open: the enrollment token in the body is the credential.
        api.post("enroll") { request, context -> Response in
            let body = try await RequestBody.decode(APIMessages.EnrollRequest.self, from: request, context: context)
            try Self.validate(body)
            let agentID = UUID().uuidString.lowercased()
            let time = now()
            // The certificate is made first: a bad request must not use up the token.
            let certificate: String
            do {
                certificate = try authority.issueClientCertificate(
                    requestPEM: body.csr, agentID: agentID, now: Date(timeIntervalSince1970: Double(time.microsecondsSinceEpoch) / 1e6))
            } catch {
                throw HTTPError(.badRequest, message: "csr: \(error)")
            }
            let host = EnrolledHost(
                agentID: agentID, hostname: body.hostname, machineID: body.machineID, os: body.os, agentVersion: body.agentVersion,
                rulesVersion: body.rulesVersion, system: "", enrolledAt: time)
            let outcome: EnrollmentOutcome
            do throws(StoreError) {
                outcome = try await store.enroll(tokenHash: Secrets.hash(body.token), host: host, replace: body.replace ?? false, at: time)
            } catch {
                metrics.enrollmentsRefused.increment()
                switch error {
                case .notFound, .invalid: throw HTTPError(.unauthorized, message: "enrollment refused: \(error.description)")
                default: throw error.http
                }
            }
            metrics.enrollments.increment()
            let system = outcome.host.system
            let level = try await stored { () async throws(StoreError) in try await store.system(id: system) }?.level ?? .lowest
            return try Response.json(
                APIMessages.EnrollResponse(
                    agentID: agentID, system: system, level: level, certificate: certificate, ca: authority.certificatePEM,
                    replacedAgentID: outcome.replaced?.agentID),
                status: .created)
        }
    }
}

extension CollectorAPI {
    /// What an agent says about itself at enrollment is shown in every host list and report, and
    /// its name is part of every fingerprint: each field must be what it claims to be.
    static func validate(_ body: APIMessages.EnrollRequest) throws {
        guard EnrolledHost.isValidHostname(body.hostname) else {
            throw HTTPError(
                .badRequest,
                message: "hostname: \"\(body.hostname.escapingControlCharacters)\" is not a host name (RFC 1123: labels of letters, "
                    + "digits and hyphens separated by dots, at most 253 characters)")
        }
        if let machineID = body.machineID, !EnrolledHost.isValidMachineID(machineID) {
            throw HTTPError(.badRequest, message: "machine_id: 32 lower-case hexadecimal digits, as in /etc/machine-id")
        }
        for (name, value) in [("os", body.os), ("agent_version", body.agentVersion), ("rules_version", body.rulesVersion)] {
            try validateLabel(value, field: name)
        }
    }

    /// A short free-text fact an agent reports (OS name, versions): at most 256 characters, no
    /// control characters.
    static func validateLabel(_ value: String?, field: String, maximumLength: Int = 256) throws {
        guard let value else { return }
        guard value.count <= maximumLength, !value.containsControlCharacter else {
            throw HTTPError(.badRequest, message: "\(field): at most \(maximumLength) characters and no control characters")
        }
    }
}
