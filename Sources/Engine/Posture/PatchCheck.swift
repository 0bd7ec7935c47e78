import CanhModel

/// Security updates that apt or dnf knows of and has not installed, and how old its knowledge is.
extension HostCheck {
    static func securityUpdates(_ host: HostObservation) -> (Outcome, Details) {
        guard case .read(let packages) = host.packages else { return (.error, [("error", .text(host.packages.problem ?? ""))]) }
        guard !packages.securityLists.isEmpty else {
            let missing =
                packages.manager == "rpm"
                ? "no repository in dnf's cache has security advisories (updateinfo)"
                : "no security suite in apt's package lists (/var/lib/apt/lists)"
            return (.error, [("error", .text("\(missing): pending security updates cannot be known"))])
        }
        let pending = packages.candidates.filter { $0.installed < $0.candidate }
        var details: Details = [
            ("installed_packages", .number(Int64(packages.installedCount))),
            ("security_lists", .list(packages.securityLists.map(\.description))),
        ]
        if !pending.isEmpty {
            details.append(("pending_count", .number(Int64(pending.count))))
            // The first hundred: a host years behind would otherwise send thousands of lines.
            details.append(("pending", .list(pending.prefix(100).map(\.description))))
        }
        return (pending.isEmpty ? .pass : .fail, details)
    }

    static func packageLists(_ host: HostObservation, maximumAgeDays maximum: Int, now: Timestamp) -> (Outcome, Details) {
        guard case .read(let packages) = host.packages else { return (.error, [("error", .text(host.packages.problem ?? ""))]) }
        var details: Details = [("max_age_days", .number(Int64(maximum)))]
        guard !packages.securityLists.isEmpty else {
            let problem =
                packages.manager == "rpm"
                ? "dnf has cached no repository's security advisories (updateinfo): enable the update repositories and run dnf makecache"
                : "apt has no security suite's lists: add the security suite to sources.list and run apt update"
            details.append(("problem", .text(problem)))
            return (.fail, details)
        }
        details.append(("security_lists", .list(packages.securityLists.map(\.description))))
        let undated = packages.securityLists.filter { $0.published == nil }
        if !undated.isEmpty {
            let source = packages.manager == "rpm" ? "no timestamp in repomd.xml" : "no InRelease or Release date"
            return (.error, details + [("error", .text("\(source) for \(undated.map(\.suite).joined(separator: ", "))"))])
        }
        let stale = packages.securityLists.filter { list in
            list.published.map { now.since($0) > .days(Int64(maximum)) } ?? true
        }
        if !stale.isEmpty {
            details.append(("stale", .list(stale.map { "\($0.suite): \(now.since($0.published ?? now).wholeDays) days old" })))
        }
        return (stale.isEmpty ? .pass : .fail, details)
    }
}
