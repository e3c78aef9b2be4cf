import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging

/// How a round of each of the daemon's loops ends, in the state machine's terms.
enum DaemonLoops {
    /// A window closed by the CRM's budget reopens no sooner than this is worth re-checking.
    static let budgetPause: TimeInterval = 15 * 60

    /// One poll cycle: collect, load, plan, commit; then ring the dispatcher.
    static func poll(_ engine: SyncEngine, doorbell: Doorbell?, date: @escaping @Sendable () -> Date, logger: Logger,
                     summary: ActivitySummary? = nil, memory: MemoryReturn? = nil) -> @Sendable () async throws -> LoopStateMachine.Outcome {
        {
            defer { summary?.summariseIfDue(now: date()) }
            do {
                let result = try await engine.runCycle()
                summary?.recordCycle(result)
                if result.changedRecords > 0 || !result.plan.changes.isEmpty { memory?.busy() } else { memory?.quiet() }
                doorbell?.ring()
                return .done
            } catch let error as CRMError {
                // Cut short by shutdown, not a failure of the CRM.
                if Task.isCancelled { throw CancellationError() }
                switch error {
                case .authentication:
                    logger.critical("Credentials refused; fix the configuration.", metadata: ["error": "\(error)"])
                    throw error
                case .quotaExhausted:
                    logger.warning("API budget exhausted; the cycle resumes when the window allows.", metadata: ["error": "\(error)"])
                    return .paused(until: date().addingTimeInterval(budgetPause))
                case .budgetReserved(_, let resumeAt, _):
                    // Nothing of the interrupted cycle was committed: it starts again from the last watermarks.
                    logger.warning("Daily API budget share spent; checkpointed at the last committed cycle, resuming when the window allows.",
                                   metadata: ["error": "\(error)", "resume.in_seconds": "\(Int(exactly: max(resumeAt.timeIntervalSince(date()), 0).rounded()) ?? 0)"])
                    return .paused(until: resumeAt)
                default:
                    summary?.recordFailedCycle()
                    logger.error("Cycle failed; state is unchanged and the cycle will be retried.", metadata: ["error": "\(error)"])
                    return .failed
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                summary?.recordFailedCycle()
                logger.error("Cycle failed; state is unchanged and the cycle will be retried.", metadata: ["error": "\(error)"])
                return .failed
            }
        }
    }

    /// One round of the SLA monitor: every SLA timer due now; then ring the dispatcher for the alerts, and sleep until
    /// the next timer (or the interval, whichever is sooner: a clock started meanwhile is seen then).
    static func slaMonitor(_ monitor: SLAMonitor, doorbell: Doorbell?, date: @escaping @Sendable () -> Date,
                           logger: Logger) -> @Sendable () async throws -> LoopStateMachine.Outcome {
        {
            do {
                let tick = try await monitor.tick(now: date())
                if tick.handled > 0 {
                    doorbell?.ring()
                    logger.info("SLA timers handled.", metadata: ["sla.handled": "\(tick.handled)", "sla.reminders": "\(tick.reminders)",
                                                                  "sla.breaches": "\(tick.breaches)", "sla.touched": "\(tick.touched)"])
                }
                if tick.more { return .moreNow }
                if let next = tick.nextDue, next > date() { return .doneUntil(next) }
                return .done
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                logger.error("SLA monitor round failed; the timers stay due and are tried again.", metadata: ["error": "\(error)"])
                return .failed
            }
        }
    }

    /// One drain of the outbox: every entry pending now, once.
    static func dispatch(_ dispatcher: OutboxDispatcher, date: @escaping @Sendable () -> Date, logger: Logger,
                         summary: ActivitySummary? = nil, memory: MemoryReturn? = nil) -> @Sendable () async throws -> LoopStateMachine.Outcome {
        {
            do {
                let stats = try await dispatcher.drain()
                summary?.recordDrain(stats)
                if stats.applied + stats.notified + stats.failed + stats.retryLater > 0 { memory?.busy() } else { memory?.quiet() }
                if let halted = stats.halted {
                    logger.warning("API budget exhausted; pausing writes until the window allows.", metadata: ["reason": "\(halted)"])
                    return .paused(until: date().addingTimeInterval(budgetPause))
                }
                // An alert's turn on a paced channel, or a digest done gathering, comes before the next interval.
                if let due = stats.nextDue { return .doneUntil(due) }
                return .done
            } catch let error as CRMError {
                if Task.isCancelled { throw CancellationError() }
                if case .authentication = error {
                    logger.critical("Credentials refused; fix the configuration.", metadata: ["error": "\(error)"])
                    throw error
                }
                logger.error("Dispatch failed; the outbox keeps every entry for the next round.", metadata: ["error": "\(error)"])
                return .failed
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                logger.error("Dispatch failed; the outbox keeps every entry for the next round.", metadata: ["error": "\(error)"])
                return .failed
            }
        }
    }
}
