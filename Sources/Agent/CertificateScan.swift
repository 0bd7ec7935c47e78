public import CanhModel
import Engine
import Foundation
public import Rules
import Synchronization
import TLSInspection

/// What the certificate half of a scan reads: `--cert`, `--endpoint`, `--trust`.
public struct CertificateScanSettings: Sendable {
    public var certificatePaths: [String]
    public var endpoints: [Endpoint]
    /// PEM or DER files of anchors trusted besides the system store.
    public var trustAnchors: [String]
    /// Endpoints probed, and OCSP responders or CRLs asked, at the same time. (Parsing and
    /// verification use one thread per core.)
    public var concurrency: Int
    /// Seconds for each TCP connect, TLS handshake and OCSP or CRL download.
    public var timeout: Double
    /// False only in tests that need a store without the public CAs.
    public var includeSystemTrustStore: Bool

    public init(
        certificatePaths: [String] = [], endpoints: [Endpoint] = [], trustAnchors: [String] = [], concurrency: Int = 8,
        timeout: Double = 5, includeSystemTrustStore: Bool = true
    ) {
        self.certificatePaths = certificatePaths
        self.endpoints = endpoints
        self.trustAnchors = trustAnchors
        self.concurrency = concurrency
        self.timeout = timeout
        self.includeSystemTrustStore = includeSystemTrustStore
    }

    public var isEmpty: Bool { certificatePaths.isEmpty && endpoints.isEmpty }
}

/// A `--trust` file that cannot serve as an anchor: the scan cannot judge chains without it.
public struct TrustAnchorError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Reads certificate and key files, probes endpoints, verifies chains, names and revocation, and
/// evaluates the certificate rules: the certificate half of `canh-agent scan`.
public struct CertificateScan: Sendable {
    private let settings: CertificateScanSettings
    private let checkTime: Timestamp

    /// - Parameter checkTime: the time the certificates are judged at (`--now`, else the clock).
    public init(settings: CertificateScanSettings, checkTime: Timestamp) {
        self.settings = settings
        self.checkTime = checkTime
    }

    /// Observes, then evaluates the posture rules of `pack` at `level`, naming `host` in records.
    public func run(pack: RulePack, level: Level, host: String) throws -> [FindingRecord] {
        let engine = try PostureEngine(pack: pack, level: level, host: host)
        let observations = try observe()
        // Judging is pure and per observation: certificates are judged in slices, one per core,
        // then the records are put back in rule order.
        let sliceSize = max(256, observations.certificates.count / ParallelMap.cores + 1)
        var slices = stride(from: 0, to: observations.certificates.count, by: sliceSize).map { start in
            PostureObservations(
                certificates: Array(observations.certificates[start..<min(start + sliceSize, observations.certificates.count)]))
        }
        if slices.isEmpty { slices = [PostureObservations()] }
        slices[0].endpoints = observations.endpoints
        slices[0].keyFiles = observations.keyFiles
        slices[0].unreadable = observations.unreadable
        let checkTime = self.checkTime
        let judged = ParallelMap.map(slices, concurrency: ParallelMap.cores) { engine.evaluate($0, at: checkTime) }
        let order = Dictionary(pack.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byRule: [Int: [FindingRecord]] = [:]
        for record in judged.joined() { byRule[order[record.rule] ?? Int.max, default: []].append(record) }
        return byRule.keys.sorted().flatMap { byRule[$0] ?? [] }
    }

    /// Everything the certificate rules judge, one observation per certificate fingerprint.
    /// - Throws: `TrustAnchorError` when a `--trust` file is unreadable or holds no certificate.
    public func observe() throws(TrustAnchorError) -> PostureObservations {
        let trust = try trustStore()
        let inputs = CertificateInputs(paths: settings.certificatePaths)
        let endpoints = probeEndpoints()

        // Every certificate once, with every place it was seen, in the order first seen.
        var order: [String] = []
        var parsed: [String: ParsedCertificate] = [:]
        var places: [String: [CertificatePlace]] = [:]
        var hostnames: [String: [HostnameCheck]] = [:]
        var stapled: [String: [UInt8]] = [:]
        func record(_ fingerprint: String, at place: CertificatePlace, _ certificate: () -> ParsedCertificate?) {
            if parsed[fingerprint] == nil {
                guard let certificate = certificate() else { return }
                order.append(fingerprint)
                parsed[fingerprint] = certificate
            }
            if places[fingerprint, default: []].contains(place) == false { places[fingerprint, default: []].append(place) }
        }
        for file in inputs.certificateFiles {
            for certificate in file.certificates { record(certificate.fact.fingerprint, at: .file(file.path)) { certificate } }
        }
        for endpoint in endpoints {
            for certificate in endpoint.chain {
                record(certificate.fingerprint, at: .endpoint(endpoint.endpoint)) { try? ParsedCertificate(certificate) }
            }
            guard let leaf = endpoint.chain.first else { continue }
            let name = endpoint.endpoint.serverName
            hostnames[leaf.fingerprint, default: []].append(
                HostnameCheck(endpoint: endpoint.endpoint.description, name: name, matches: ChainVerifier.matches(leaf, host: name)))
            if let response = endpoint.stapledOCSP { stapled[leaf.fingerprint] = response }
        }

        let pool = order.compactMap { parsed[$0] }
        let intermediates = IntermediatePool(pool)
        let revocation = RevocationChecker(timeout: settings.timeout)
        let facts = pool.map(\.fact)
        // Verification is CPU-bound: one thread per core. Revocation waits on the network: it
        // takes the configured concurrency, and only certificates that name a source need it.
        let verdicts = ParallelMap.map(pool, concurrency: ParallelMap.cores) { [stapled] certificate in
            let fact = certificate.fact
            let asksRevocation = !fact.ocspURLs.isEmpty || !fact.crlURLs.isEmpty || stapled[fact.fingerprint] != nil
            return ChainVerifier.verify(certificate, intermediates: intermediates, trust: trust, at: checkTime, needsIssuer: asksRevocation)
        }
        // When the chain did not reach an anchor, the issuer may still be among what was seen.
        var authorities: [String: CertificateFact] = [:]
        for fact in facts where fact.isCertificateAuthority && authorities[fact.subject] == nil { authorities[fact.subject] = fact }
        let statuses = ParallelMap.map(Array(zip(facts, verdicts)), concurrency: settings.concurrency) {
            [stapled, authorities] fact, verdict in
            let fallback = authorities[fact.issuer].flatMap { $0.fingerprint == fact.fingerprint ? nil : $0.der }
            return revocation.status(of: fact, issuerDER: verdict.issuerDER ?? fallback, stapled: stapled[fact.fingerprint])
        }
        let certificates = zip(facts, zip(verdicts, statuses)).map { fact, judged in
            CertificateObservation(
                certificate: fact, places: places[fact.fingerprint] ?? [],
                chain: judged.0.isTrusted ? .trusted : .untrusted(judged.0.reason ?? "unknown reason"), revocation: judged.1,
                hostnames: hostnames[fact.fingerprint] ?? [])
        }
        // Protocol and cipher findings are about host:port; the first name's probes speak for it.
        var probedAddresses: Set<String> = []
        let byAddress = endpoints.filter { probedAddresses.insert($0.endpoint.description).inserted }
        return PostureObservations(
            certificates: certificates, endpoints: byAddress, keyFiles: inputs.keyFiles, unreadable: inputs.unreadable)
    }

    private func trustStore() throws(TrustAnchorError) -> TrustStore {
        var anchors: [(path: String, bytes: [UInt8])] = []
        for path in settings.trustAnchors {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TrustAnchorError(description: "--trust \(path): cannot be read (\(String(cString: strerror(errno))))")
            }
            anchors.append((path, [UInt8](data)))
        }
        do {
            return try TrustStore(anchors: anchors, includeSystemStore: settings.includeSystemTrustStore)
        } catch {
            throw TrustAnchorError(description: "--trust \(error.description)")
        }
    }

    private func probeEndpoints() -> [EndpointFact] {
        let probeSettings = EndpointProbeSettings(connectTimeout: settings.timeout, handshakeTimeout: settings.timeout)
        return ParallelMap.map(settings.endpoints, concurrency: settings.concurrency) { endpoint in
            EndpointProbe.probe(endpoint, settings: probeSettings)
        }
    }
}
