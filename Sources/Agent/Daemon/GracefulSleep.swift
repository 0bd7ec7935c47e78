import ServiceLifecycle

extension Task where Success == Never, Failure == Never {
    /// Sleeps, returning early (without throwing) on graceful shutdown or cancellation.
    static func sleepUnlessShuttingDown(for duration: Duration) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
