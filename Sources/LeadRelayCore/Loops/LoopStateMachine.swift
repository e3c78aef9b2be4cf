import Foundation

/// The life of one long-running loop (poll, dispatch, SLA monitor, …) as a state machine that returns actions:
/// the service performs them (runs the work, waits on its clock), so every branch is tested without I/O.
///
/// idle → running → (done: idle and wait the interval | more now: running | failed: backoff | paused: paused-until)
/// → running …; a shutdown makes the next action `stop` (work in hand is finished first).
public struct LoopStateMachine: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case idle
        case running
        /// Waiting after `failures` consecutive failures.
        case backoff(failures: Int)
        /// Waiting for a window (an API budget) to open.
        case pausedUntil(Date)
        case stopping
    }

    /// How a round of work ended.
    public enum Outcome: Sendable, Hashable {
        /// Caught up: the next round after the interval.
        case done
        /// Caught up, but something falls due at this instant (an alert's turn on a paced channel, a digest done
        /// gathering): the next round then, or after the interval if that is sooner.
        case doneUntil(Date)
        /// More is waiting: the next round at once.
        case moreNow
        /// Failed, retry after a growing backoff.
        case failed
        /// Nothing can be done before this instant (a budget or a rate window).
        case paused(until: Date)
    }

    public enum Action: Sendable, Hashable {
        case run
        case wait(Duration)
        case stop
    }

    public let interval: Duration
    /// The longest backoff after failures.
    public let maxBackoff: Duration
    /// The longest single pause (a far-off resume time is re-checked at least this often).
    public let maxPause: Duration
    public private(set) var state: State = .idle
    /// Consecutive failed rounds (reset by a round that succeeds).
    public private(set) var failures = 0

    public init(interval: Duration, maxBackoff: Duration = .seconds(300), maxPause: Duration = .seconds(3600)) {
        self.interval = interval
        self.maxBackoff = maxBackoff
        self.maxPause = maxPause
    }

    /// The loop is ready to work (at start, or after a wait).
    public mutating func ready() -> Action {
        if state == .stopping { return .stop }
        state = .running
        return .run
    }

    /// A round of work ended; `now` is the wall-clock time (pauses are given as instants).
    public mutating func finished(_ outcome: Outcome, now: Date) -> Action {
        if state == .stopping { return .stop }
        switch outcome {
        case .done:
            failures = 0
            state = .idle
            return .wait(interval)
        case .doneUntil(let due):
            failures = 0
            state = .idle
            // At least 50 ms (an overdue instant is no reason to spin), at most the interval.
            let milliseconds = min(max(due.timeIntervalSince(now) * 1000, 50), Self.seconds(interval) * 1000).rounded(.up)
            return .wait(milliseconds.isFinite ? .milliseconds(Int64(milliseconds)) : interval)
        case .moreNow:
            failures = 0
            state = .running
            return .run
        case .failed:
            failures += 1
            state = .backoff(failures: failures)
            return .wait(backoff(failures))
        case .paused(let until):
            // A pause is not a failure; the count of failures before it stands.
            state = .pausedUntil(until)
            return .wait(.clamped(seconds: max(until.timeIntervalSince(now), 1), limit: Self.seconds(maxPause)))
        }
    }

    /// Asked to stop (SIGTERM): waits end at once; work in hand finishes, then `finished` answers `stop`.
    public mutating func shutdown() {
        state = .stopping
    }

    /// The wait after `failures` consecutive failures: the interval doubled per failure (up to 2⁸), capped.
    public func backoff(_ failures: Int) -> Duration {
        let seconds = min(Self.seconds(maxBackoff), Self.seconds(interval) * pow(2, Double(min(failures, 8))))
        return .clamped(seconds: seconds, limit: Self.seconds(maxBackoff))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
