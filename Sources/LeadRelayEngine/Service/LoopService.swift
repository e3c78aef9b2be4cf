import Foundation
import LeadRelayCore
import Logging
import ServiceLifecycle

/// One long-running loop as a `Service`: its `LoopStateMachine` decides, this performs — runs a round of work, or
/// waits on the injected clock (cut short by SIGTERM, or by its doorbell). A round in hand always finishes.
///
/// `work` returns how the round went; it throws only what must end the daemon (refused credentials).
public struct LoopService<C: Clock>: Service, CustomStringConvertible where C.Duration == Duration {
    public let name: String
    let clock: C
    let date: @Sendable () -> Date
    let machine: LoopStateMachine
    let doorbell: Doorbell?
    let logger: Logger
    let work: @Sendable () async throws -> LoopStateMachine.Outcome

    public init(name: String, interval: Duration, clock: C, date: @escaping @Sendable () -> Date = { Date() }, doorbell: Doorbell? = nil,
                logger: Logger, work: @escaping @Sendable () async throws -> LoopStateMachine.Outcome) {
        self.name = name
        self.machine = LoopStateMachine(interval: interval)
        self.clock = clock
        self.date = date
        self.doorbell = doorbell
        self.logger = logger
        self.work = work
    }

    /// ServiceLifecycle logs each service's description: a name, never the engine, its configuration or its secrets.
    public var description: String { "LoopService(\(name))" }

    public func run() async throws {
        logger.info("LeadRelay loop started.", metadata: ["loop.name": "\(name)", "loop.interval": "\(machine.interval)"])
        var machine = self.machine
        var action = machine.ready()
        loop: while true {
            switch action {
            case .stop:
                break loop
            case .run:
                let outcome: LoopStateMachine.Outcome
                do {
                    // A graceful shutdown cancels the round in hand: its reads and waits end at once. Nothing of it was
                    // committed (a cycle commits in one transaction at its end), so the next start repeats it; claimed
                    // outbox entries are let go and stay pending.
                    outcome = try await cancelWhenGracefulShutdown { try await work() }
                } catch where stopping {
                    logger.info("Round cut short by shutdown; what it had not finished is repeated on the next start.", metadata: ["loop.name": "\(name)"])
                    break loop
                }
                if stopping { machine.shutdown() }
                action = machine.finished(outcome, now: date())
            case .wait(let duration):
                if case .backoff(let failures) = machine.state {
                    logger.debug("Loop backing off.", metadata: ["loop.name": "\(name)", "loop.failures": "\(failures)", "loop.wait": "\(duration)"])
                }
                await wait(duration)
                if stopping { machine.shutdown() }
                action = machine.ready()
            }
        }
        logger.info("LeadRelay loop stopped.", metadata: ["loop.name": "\(name)"])
    }

    var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    /// Sleeps for `duration` on the clock, or less: until the doorbell rings or a graceful shutdown begins.
    func wait(_ duration: Duration) async {
        let (clock, doorbell) = (self.clock, self.doorbell)
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(for: duration) }
                if let doorbell { group.addTask { await doorbell.wait() } }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
