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
    /// Endpoints probed at the same time.
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
        return engine.evaluate(try observe(), at: checkTime)
    }

    /// Everything the certificate rules judge, one observation per certificate fingerprint.
    /// - Throws: `TrustAnchorError` when a `--trust` file is unreadable or holds no certificate.
    public func observe() throws(TrustAnchorError) -> PostureObservations {
        let trust = try trustStore()
        let inputs = CertificateInputs(paths: settings.certificatePaths)
        let endpoints = probeEndpoints()

        // Every certificate once, with every place it was seen, in the order first seen.
        var order: [String] = []
        var facts: [String: CertificateFact] = [:]
        var places: [String: [CertificatePlace]] = [:]
        var hostnames: [String: [HostnameCheck]] = [:]
        var stapled: [String: [UInt8]] = [:]
        func record(_ certificate: CertificateFact, at place: CertificatePlace) {
            if facts[certificate.fingerprint] == nil {
                order.append(certificate.fingerprint)
                facts[certificate.fingerprint] = certificate
            }
            if places[certificate.fingerprint, default: []].contains(place) == false {
                places[certificate.fingerprint, default: []].append(place)
            }
        }
        for file in inputs.certificateFiles {
            for certificate in file.certificates { record(certificate, at: .file(file.path)) }
        }
        for endpoint in endpoints {
            for certificate in endpoint.chain { record(certificate, at: .endpoint(endpoint.endpoint)) }
            guard let leaf = endpoint.chain.first else { continue }
            let name = endpoint.endpoint.serverName
            hostnames[leaf.fingerprint, default: []].append(
                HostnameCheck(endpoint: endpoint.endpoint.description, name: name, matches: ChainVerifier.matches(leaf, host: name)))
            if let response = endpoint.stapledOCSP { stapled[leaf.fingerprint] = response }
        }

        let pool = order.compactMap { facts[$0] }
        let intermediates = IntermediatePool(pool)
        let revocation = RevocationChecker(timeout: settings.timeout)
        let certificates = ParallelMap.map(pool, concurrency: settings.concurrency) {
            [places, hostnames, stapled] certificate in
            let verdict = ChainVerifier.verify(certificate, intermediates: intermediates, trust: trust, at: checkTime)
            return CertificateObservation(
                certificate: certificate, places: places[certificate.fingerprint] ?? [],
                chain: verdict.isTrusted ? .trusted : .untrusted(verdict.reason ?? "unknown reason"),
                revocation: revocation.status(
                    of: certificate, issuerDER: verdict.issuerDER ?? Self.issuer(of: certificate, in: pool)?.der,
                    stapled: stapled[certificate.fingerprint]),
                hostnames: hostnames[certificate.fingerprint] ?? [])
        }
        return PostureObservations(
            certificates: certificates, endpoints: endpoints, keyFiles: inputs.keyFiles, unreadable: inputs.unreadable)
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

    /// The certificate among `pool` whose subject is `certificate`'s issuer (for revocation when
    /// the chain could not be verified to an anchor).
    private static func issuer(of certificate: CertificateFact, in pool: [CertificateFact]) -> CertificateFact? {
        pool.first { $0.subject == certificate.issuer && $0.fingerprint != certificate.fingerprint && $0.isCertificateAuthority }
    }
}

/// Maps on up to `concurrency` threads at once, keeping the input order. The work is blocking
/// network and OpenSSL calls, so it runs on threads of its own rather than the cooperative pool.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], concurrency: Int, _ transform: @escaping @Sendable (Input) -> Output
    ) -> [Output] {
        guard !inputs.isEmpty else { return [] }
        let results = Mutex<[Int: Output]>([:])
        let next = Mutex(0)
        let workers = max(1, min(concurrency, inputs.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            let thread = Thread {
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < inputs.count else { break }
                    let output = transform(inputs[index])
                    results.withLock { $0[index] = output }
                }
                group.leave()
            }
            group.enter()
            thread.start()
        }
        group.wait()
        let collected = results.withLock { $0 }
        return inputs.indices.compactMap { collected[$0] }
    }
}
