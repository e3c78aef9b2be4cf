import Foundation

/// Holds every call to one system until the rate-limit window the server named has passed.
///
/// An actor because all concurrent requests to one CRM share it.
public actor RateLimitGate {
    private var notBefore: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private let sleep: @Sendable (Duration) async throws -> Void

    public init(sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.notBefore = clock.now
        self.sleep = sleep
    }

    /// Waits until calls are allowed again.
    public func admit() async throws {
        let target = notBefore
        let wait = clock.now.duration(to: target)
        guard wait > .zero else { return }
        try await sleep(wait)
        // The hold has been waited out (an injected test clock may not have advanced); a newer hold still stands.
        if notBefore == target { notBefore = clock.now }
    }

    /// Blocks further calls for `seconds` from now (keeps the later of two holds).
    public func hold(for seconds: TimeInterval) {
        let until = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        if until > notBefore { notBefore = until }
    }

    /// Reads HubSpot's remaining-calls headers: when the bucket is empty, hold for its interval.
    public func observe(headers: [String: String]) {
        if let remaining = headers["x-hubspot-ratelimit-remaining"].flatMap(Int.init), remaining <= 0 {
            let interval = headers["x-hubspot-ratelimit-interval-milliseconds"].flatMap(Double.init) ?? 10_000
            hold(for: interval / 1000)
        }
    }
}
