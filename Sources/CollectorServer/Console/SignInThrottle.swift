import CanhModel

/// Failed sign-ins per address: after `limit` failures within `window` the address must wait
/// until the oldest of them leaves the window. Bounded: at most `addresses` addresses are kept,
/// the least recently failing forgotten first.
actor SignInThrottle {
    let limit: Int
    let window: TimeSpan
    let addresses: Int
    private var failures: [String: [Timestamp]] = [:]

    init(limit: Int = 5, window: TimeSpan = .minutes(15), addresses: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.addresses = addresses
    }

    /// Seconds `address` must wait before trying again, or nil when it may try now.
    func wait(for address: String, at time: Timestamp) -> Int? {
        let recent = (failures[address] ?? []).filter { $0 > time - window }
        failures[address] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return Int(max(1, ((oldest + window).since(time).microseconds + 999_999) / 1_000_000))
    }

    func failed(_ address: String, at time: Timestamp) {
        if failures[address] == nil, failures.count >= addresses,
            let stalest = failures.min(by: { ($0.value.last ?? time) < ($1.value.last ?? time) })?.key
        {
            failures[stalest] = nil
        }
        failures[address, default: []].append(time)
    }

    func succeeded(_ address: String) { failures[address] = nil }
}
