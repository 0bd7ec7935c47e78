import CanhModel
import CollectorPKI
import CollectorStore
import Foundation
import Hummingbird
import Prometheus

extension CollectorAPI {
    func addFindingRoutes(to api: RouterGroup<CollectorContext>) {
        api.post("records") { request, context -> IngestSummary in
            let host = try context.agent()
            let started = ContinuousClock.now
            do {
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                var records: [FindingRecord]
                do throws(RecordBatchReader.Failure) {
                    records = try RecordBatchReader.records(from: Array(body.readableBytesView))
                } catch {
                    throw HTTPError(.badRequest, message: error.description)
                }
                try validate(records, from: host)
                let certificates = try Self.certificates(in: &records)
                let summary = try await stored { () async throws(StoreError) in
                    try await store.ingest(records, certificates: certificates, from: host, at: now())
                }
                metrics.batchesStored.increment()
                metrics.recordsAccepted.increment(by: Int64(summary.accepted))
                metrics.recordsDuplicate.increment(by: Int64(summary.duplicates))
                metrics.ingestSeconds.record(ContinuousClock.now - started)
                return summary
            } catch {
                metrics.batchesRefused.increment()
                throw error
            }
        }
        api.post("heartbeat") { request, context -> APIMessages.HeartbeatReply in
            let host = try context.agent()
            let beat = try await RequestBody.decode(APIMessages.Heartbeat.self, from: request, context: context)
            try Self.validateLabel(beat.agentVersion, field: "agent_version")
            try Self.validateLabel(beat.rulesVersion, field: "rules_version")
            try Self.validateLabel(beat.rulesFailure, field: "rules_failure", maximumLength: 1024)
            try await stored { () async throws(StoreError) in
                try await store.recordHeartbeat(
                    agentID: host.agentID, agentVersion: beat.agentVersion, rulesVersion: beat.rulesVersion,
                    rulesFailure: beat.rulesFailure, at: now())
            }
            let system = try await stored { () async throws(StoreError) in try await store.system(id: host.system) }
            return APIMessages.HeartbeatReply(
                system: host.system, level: system?.level ?? .lowest, rulePack: try await assignedRulePack(system: host.system))
        }
        api.get("findings") { request, context -> [FindingState] in
            _ = try context.user(atLeast: .viewer)
            let filter = try Self.filter(request.uri.queryParameters)
            return try await stored { () async throws(StoreError) in try await store.findings(filter) }
        }
        api.get("findings/:fingerprint") { _, context -> APIMessages.FindingDetail in
            _ = try context.user(atLeast: .viewer)
            let fingerprint = try context.parameters.require("fingerprint")
            guard let finding = try await stored({ () async throws(StoreError) in try await store.finding(fingerprint: fingerprint) })
            else {
                throw HTTPError(.notFound, message: "not found: finding \(fingerprint)")
            }
            let transitions = try await stored { () async throws(StoreError) in try await store.transitions(fingerprint: fingerprint) }
            return APIMessages.FindingDetail(finding: finding, transitions: transitions, guidance: guides.guidance(for: finding.rule))
        }
        for (verb, status) in [("ack", FindingStatus.acknowledged), ("resolve", .resolved), ("except", .excepted)] {
            api.post("findings/:fingerprint/\(verb)") { request, context -> FindingState in
                let user = try context.user(atLeast: .analyst)
                let fingerprint = try context.parameters.require("fingerprint")
                let body = try await RequestBody.decode(APIMessages.FindingChangeRequest.self, from: request, context: context)
                let change = FindingChange(
                    fingerprint: fingerprint, status: status, reason: body.reason, until: body.until, actor: "user:\(user.name)", at: now())
                let state = try await stored { () async throws(StoreError) in try await store.changeFinding(change) }
                try await audit(context.caller, "finding.\(verb)", fingerprint, body.reason)
                return state
            }
        }
    }

    /// A batch is refused whole when any record is malformed or speaks for another host, so an
    /// agent cannot write, or overwrite, another host's findings.
    func validate(_ records: [FindingRecord], from host: EnrolledHost) throws {
        guard records.count <= maximumBatch else {
            throw HTTPError(.contentTooLarge, message: "records: \(records.count) in one batch; at most \(maximumBatch)")
        }
        let latest = now() + InputLimits.futureTolerance
        for (index, record) in records.enumerated() {
            let field = "records[\(index)]"
            guard record.host == host.hostname else {
                throw HTTPError(.forbidden, message: "\(field).host: \(record.host); this agent may only report for \(host.hostname)")
            }
            guard !record.id.isEmpty, record.id.count <= 128 else {
                throw HTTPError(.badRequest, message: "\(field).id: 1 to 128 characters")
            }
            guard !record.rule.isEmpty, record.rule.count <= 128 else {
                throw HTTPError(.badRequest, message: "\(field).rule: 1 to 128 characters")
            }
            guard record.entity.utf8.count <= 4096 else { throw HTTPError(.badRequest, message: "\(field).entity: longer than 4096 bytes") }
            // Stored text must be what was hashed and what people will see: a NUL would cut it short,
            // an escape sequence would rewrite a terminal.
            let identifiers =
                [("id", record.id), ("rule", record.rule), ("entity", record.entity)]
                + record.requirements.enumerated().map { ("requirements[\($0.offset)]", $0.element) }
            for (name, value) in identifiers where value.containsControlCharacter {
                throw HTTPError(.badRequest, message: "\(field).\(name): contains a control character (\(value.escapingControlCharacters))")
            }
            guard record.fingerprint == FindingRecord.fingerprint(host: record.host, rule: record.rule, entity: record.entity) else {
                throw HTTPError(.badRequest, message: "\(field).fingerprint: does not match its host, rule and entity")
            }
            for (name, time) in [("time", record.time), ("first_seen", record.firstSeen)] {
                guard let time, time > latest else { continue }
                throw HTTPError(
                    .badRequest,
                    message: "\(field).\(name): \(time.iso8601) is more than a day ahead of the collector's clock (\(now().iso8601))")
            }
        }
    }

    /// The certificates the records carry as DER (`evidence.der`), described by the collector
    /// itself and placed where this host saw them; the DER is taken out of the records, whose
    /// findings need only the fingerprint. A DER that is not a certificate, or not the one the
    /// record is about, refuses the batch.
    static func certificates(in records: inout [FindingRecord]) throws -> [CertificateRecord] {
        var described: [String: CertificateRecord] = [:]
        var order: [String] = []
        for index in records.indices where records[index].rule.hasPrefix("tls.cert.") {
            guard case .text(let encoded)? = records[index].evidence["der"] else { continue }
            let record = records[index]
            let field = "records[\(index)].evidence.der"
            records[index].evidence["der"] = nil
            var certificate: CertificateRecord
            if let known = described[record.entity] {
                certificate = known
            } else {
                guard let der = Data(base64Encoded: encoded) else { throw HTTPError(.badRequest, message: "\(field): not base64") }
                do throws(CertificateDescription.Failure) {
                    certificate = try CertificateDescription.record(der: Array(der))
                } catch {
                    throw HTTPError(.badRequest, message: "\(field): \(error.description)")
                }
                guard certificate.fingerprint == record.entity else {
                    throw HTTPError(
                        .badRequest,
                        message: "\(field): its SHA-256 is \(certificate.fingerprint), not the record's entity \(record.entity)")
                }
                order.append(record.entity)
            }
            if case .list(let places)? = record.evidence["places"] {
                for place in places where !certificate.places.contains(where: { $0.place == place }) {
                    certificate.places.append(
                        CertificateRecord.Place(host: record.host, place: place, firstSeen: record.time, lastSeen: record.time))
                }
            }
            described[record.entity] = certificate
        }
        return order.compactMap { described[$0] }
    }

    static func filter(_ query: Parameters) throws -> FindingFilter {
        var filter = FindingFilter(
            system: query.get("system"), host: query.get("host"), rule: query.get("rule"),
            minimumSeverity: try query.choice("severity", as: Severity.self), status: try query.choice("status", as: FindingStatus.self))
        if let since = query.get("since") {
            guard let value = Timestamp(iso8601: since) else { throw HTTPError(.badRequest, message: "since: an ISO 8601 time") }
            filter.since = value
        }
        if let limit = try query.number("limit", in: 1...100_000) { filter.limit = limit }
        return filter
    }
}
