import Foundation
import Synchronization

/// Keeps each channel to its pace: a token bucket per channel key (a webhook, a Slack channel, an SMS sender), so a
/// backlog of alerts goes out at the rate the channel accepts instead of in a burst that earns 429s (Slack allows about
/// one message per second per webhook, with short bursts; persisting past that risks the app being disabled).
///
/// A channel that answered 429 is held until its `Retry-After` has passed, for every alert, not only the one refused.
/// State is in memory: after a restart each channel starts with a full bucket, at most one burst early.
public final class ChannelPacer: Sendable {
    public struct Pace: Sendable, Hashable {
        /// Messages per second, on average.
        public var perSecond: Double
        /// Messages that may go at once after a quiet spell.
        public var burst: Int

        public init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = max(burst, 1)
        }

        /// Slack's documented pace for one webhook or channel.
        public static let slack = Pace(perSecond: 1, burst: 3)
        /// A Twilio-style sender: one message a second per long-code number is the carrier's pace.
        public static let sms = Pace(perSecond: 1, burst: 1)
    }

    struct Bucket {
        var tokens: Double
        var updated: Date
        /// Not before this instant (a 429's `Retry-After`).
        var heldUntil: Date?
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    public init() {}

    /// Takes a turn on `key` now and returns `nil`, or returns when the next turn comes (nothing is taken).
    public func take(_ key: String, pace: Pace, now: Date) -> Date? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(pace.burst), updated: now)
            defer { buckets[key] = bucket }
            if let held = bucket.heldUntil {
                if held > now { return held }
                bucket.heldUntil = nil
            }
            let elapsed = max(now.timeIntervalSince(bucket.updated), 0)
            bucket.tokens = min(Double(pace.burst), bucket.tokens + elapsed * pace.perSecond)
            bucket.updated = now
            guard bucket.tokens >= 1 else { return now.addingTimeInterval((1 - bucket.tokens) / pace.perSecond) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// The channel asked for a pause (429 `Retry-After`): nothing goes to `key` before `until`, and its bucket restarts empty.
    public func hold(_ key: String, until: Date, now: Date) {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: 0, updated: now)
            bucket.heldUntil = max(bucket.heldUntil ?? until, until)
            bucket.tokens = 0
            bucket.updated = until
            buckets[key] = bucket
        }
    }
}
