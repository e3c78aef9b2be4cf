import Foundation

/// Capped exponential backoff with full jitter.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(cap, base·2^(attempt-1))],
    /// but never less than what the server asked for.
    public func delay(afterAttempt attempt: Int, serverAsked: TimeInterval?, unit: Double) -> TimeInterval {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(attempt - 1, 0))))
        let jittered = ceiling * min(max(unit, 0), 1)
        return max(jittered, serverAsked ?? 0)
    }
}
