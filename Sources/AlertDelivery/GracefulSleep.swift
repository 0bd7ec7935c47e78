import ServiceLifecycle

extension Task where Success == Never, Failure == Never {
    /// Sleeps, returning early (without throwing) on graceful shutdown or cancellation: the
    /// collector's services wait between passes with it (the agent has its own, as it does not
    /// link this module).
    package static func sleepUnlessShuttingDown(for duration: Duration) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
