import Foundation
import LeadRelayCore
import LeadRelayCRM
import Logging
import ServiceLifecycle

/// The daemon loop: cycle, drain the outbox, wait the poll interval; on SIGTERM finish the batch in hand and return.
public struct SyncService: Service {
    let engine: SyncEngine
    let dispatcher: OutboxDispatcher
    let interval: Duration
    let logger: Logger
    /// Called after each cycle (tests and the demo watch progress through it).
    let onCycle: @Sendable (CycleResult, OutboxDispatcher.Stats) async -> Void

    public init(engine: SyncEngine, dispatcher: OutboxDispatcher, interval: Duration, logger: Logger = Logger(label: "leadrelay.service"),
                onCycle: @escaping @Sendable (CycleResult, OutboxDispatcher.Stats) async -> Void = { _, _ in }) {
        self.engine = engine
        self.dispatcher = dispatcher
        self.interval = interval
        self.logger = logger
        self.onCycle = onCycle
    }

    public func run() async throws {
        logger.info("LeadRelay sync loop started.", metadata: ["poll.interval": "\(interval)"])
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = interval
            do {
                let result = try await engine.runCycle()
                let stats = try await dispatcher.drain()
                await onCycle(result, stats)
                failures = 0
                if let halted = stats.halted {
                    logger.warning("API budget exhausted; pausing writes until the window allows.", metadata: ["reason": "\(halted)"])
                    wait = .seconds(15 * 60)
                }
            } catch let error as CRMError {
                switch error {
                case .authentication:
                    logger.critical("Credentials refused; fix the configuration.", metadata: ["error": "\(error)"])
                    throw error
                case .quotaExhausted:
                    logger.warning("API budget exhausted; the cycle resumes when the window allows.", metadata: ["error": "\(error)"])
                    wait = .seconds(15 * 60)
                case .budgetReserved(_, let resumeAt, _):
                    // Nothing of the interrupted cycle was committed: it starts again from the last watermarks.
                    let seconds = min(max(resumeAt.timeIntervalSinceNow, 1), 3600)
                    logger.warning("Daily API budget share spent; checkpointed at the last committed cycle, resuming when the window allows.",
                                   metadata: ["error": "\(error)", "resume.in_seconds": "\(Int(seconds))"])
                    wait = .milliseconds(Int64(seconds * 1000))
                default:
                    failures += 1
                    logger.error("Cycle failed; state is unchanged and the cycle will be retried.", metadata: ["error": "\(error)"])
                    wait = backoff(failures)
                }
            } catch is CancellationError {
                break
            } catch {
                failures += 1
                logger.error("Cycle failed; state is unchanged and the cycle will be retried.", metadata: ["error": "\(error)"])
                wait = backoff(failures)
            }
            // Only the wait is cut short by SIGTERM; a cycle in hand always finishes.
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
        logger.info("LeadRelay sync loop stopped.")
    }

    /// Waits grow with consecutive failures, up to five minutes.
    func backoff(_ failures: Int) -> Duration {
        let seconds = min(300, Double(interval.components.seconds) * pow(2, Double(min(failures, 8))))
        return .milliseconds(Int64(seconds * 1000))
    }
}
