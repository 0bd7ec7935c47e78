import CanhModel

/// The endpoint checks of SPEC §7: which protocol versions and cipher classes a server accepts.
/// The entity is `host:port`.
enum EndpointCheck: Sendable {
    /// Fails when the server accepts a version outside `allowed`.
    case legacyProtocol(allowed: [String])
    /// Fails when the server accepts a suite of one of `classes`.
    case weakCipher(classes: [String])

    func judge(_ fact: EndpointFact) -> PostureJudgement {
        var evidence = Evidence([("endpoint", .text(fact.endpoint.description)), ("server_name", .text(fact.endpoint.serverName))])
        func judgement(_ outcome: Outcome, _ details: [(String, Evidence.Value)]) -> PostureJudgement {
            for (key, value) in details { evidence[key] = value }
            return PostureJudgement(entity: fact.endpoint.description, outcome: outcome, evidence: evidence)
        }
        let probes: [String: ProbeResult]
        let probed: [String]
        switch self {
        case .legacyProtocol(let allowed):
            probes = fact.protocolProbes
            probed = TLSNames.legacyProtocolVersions.filter { !allowed.contains($0) }
        case .weakCipher(let classes):
            probes = fact.cipherProbes
            probed = classes
        }
        if probes.isEmpty, let failure = fact.failure { return judgement(.error, [("error", .text(failure))]) }

        var accepted: [String] = []
        var failed: [String] = []
        for name in probed {
            switch probes[name] {
            case .accepted(let detail): accepted.append(detail)
            case .failed(let why): failed.append("\(name): \(why)")
            case .rejected, .notProbed, nil: break
            }
        }
        if case .legacyProtocol(let allowed) = self, !fact.negotiatedProtocol.isEmpty, !allowed.contains(fact.negotiatedProtocol),
            !accepted.contains(where: { $0.hasPrefix(fact.negotiatedProtocol + " ") })
        {
            accepted.insert("\(fact.negotiatedProtocol) with \(fact.negotiatedCipher) (negotiated by default)", at: 0)
        }
        var details: [(String, Evidence.Value)] = []
        if !fact.negotiatedProtocol.isEmpty {
            details.append(("negotiated", .text("\(fact.negotiatedProtocol) \(fact.negotiatedCipher)")))
        }
        if !accepted.isEmpty { return judgement(.fail, details + [("accepted", .list(accepted))]) }
        // A probe that could not be made, or a server no TLS handshake succeeded with, leaves
        // the question open: not a pass.
        if !failed.isEmpty { return judgement(.error, details + [("error", .list(failed))]) }
        if let failure = fact.failure { return judgement(.error, details + [("error", .text(failure))]) }
        return judgement(.pass, details + [("refused", .list(probed))])
    }
}
