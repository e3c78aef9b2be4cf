import Foundation
import Logging
import Synchronization

/// What the daemon did since the last summary, logged at info on a fixed period (default every 15 minutes), so a
/// journal shows a quiet daemon is alive and what a busy one got through, without a line per idle cycle.
///
/// The loops record into it; the poll loop asks it to speak when the period is up. A `Mutex` because both loops
/// record from their own tasks and recording must never wait.
public final class ActivitySummary: Sendable {
    struct Counts: Sendable, Equatable {
        var cycles = 0
        var failedCycles = 0
        var changedRecords = 0
        var assignments = 0
        var writesApplied = 0
        var writesRetrying = 0
        var writesFailed = 0
        var notified = 0
        var streamsDown: Set<String> = []
    }

    let period: TimeInterval
    let logger: Logger
    private let state: Mutex<(counts: Counts, since: Date?)>

    public init(period: TimeInterval = 15 * 60, logger: Logger) {
        self.period = period
        self.logger = logger
        self.state = Mutex((Counts(), nil))
    }

    func recordCycle(_ result: CycleResult) {
        state.withLock {
            $0.counts.cycles += 1
            $0.counts.changedRecords += result.changedRecords
            $0.counts.assignments += result.commit.plan.assignments.count
            $0.counts.streamsDown.formUnion(result.streamProblems.map(\.stream))
        }
    }

    func recordFailedCycle() { state.withLock { $0.counts.failedCycles += 1 } }

    func recordDrain(_ stats: OutboxDispatcher.Stats) {
        state.withLock {
            $0.counts.writesApplied += stats.applied
            $0.counts.writesRetrying += stats.retryLater
            $0.counts.writesFailed += stats.failed
            $0.counts.notified += stats.notified
        }
    }

    /// Logs the summary and starts a new period when `period` has passed since the last one (the first call only
    /// starts the clock). Returns whether it spoke.
    @discardableResult
    public func summariseIfDue(now: Date) -> Bool {
        let due: (Counts, Date)? = state.withLock { current in
            guard let since = current.since else {
                current.since = now
                return nil
            }
            guard now.timeIntervalSince(since) >= period else { return nil }
            let counts = current.counts
            current = (Counts(), now)
            return (counts, since)
        }
        guard let (counts, since) = due else { return false }
        logger.info("Summary since the last one.", metadata: [
            "summary.minutes": "\(Int(exactly: (now.timeIntervalSince(since) / 60).rounded()) ?? 0)",
            "summary.cycles": "\(counts.cycles)", "summary.failed_cycles": "\(counts.failedCycles)",
            "summary.changed_records": "\(counts.changedRecords)", "summary.assignments": "\(counts.assignments)",
            "summary.writes_applied": "\(counts.writesApplied)", "summary.writes_retrying": "\(counts.writesRetrying)",
            "summary.writes_failed": "\(counts.writesFailed)", "summary.notifications": "\(counts.notified)",
            "summary.streams_down": "\(counts.streamsDown.sorted().joined(separator: ","))",
        ])
        return true
    }
}
