import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Outcomes handed out in order, and a count of rounds run.
final class Script: Sendable {
    private let state: Mutex<(outcomes: [LoopStateMachine.Outcome], rounds: Int)>

    init(_ outcomes: [LoopStateMachine.Outcome]) { state = Mutex((outcomes, 0)) }

    var rounds: Int { state.withLock { $0.rounds } }

    func next() -> LoopStateMachine.Outcome {
        state.withLock { state in
            state.rounds += 1
            return state.outcomes.isEmpty ? .done : state.outcomes.removeFirst()
        }
    }
}

@Suite("Loop services on a manual clock")
struct LoopServiceTests {
    let logger = Logger(label: "test.loops")

    /// Runs `service` in a service group until `body` is done, then shuts it down gracefully.
    func running(_ services: [any Service], _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Waits (on the real clock, briefly) until the script has run `count` rounds.
    func rounds(_ script: Script, reach count: Int) async throws {
        let start = ContinuousClock.now
        while script.rounds < count {
            if ContinuousClock.now - start > .seconds(10) { throw TestFailure("\(script.rounds) rounds, expected \(count)") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("after failures the loop waits its backoff on the clock, not sooner; a success returns to the interval")
    func backoff() async throws {
        let clock = ManualClock()
        let script = Script([.failed, .failed, .done])
        let service = LoopService(name: "test", interval: .seconds(1), clock: clock, date: { clock.date }, logger: logger, work: { script.next() })
        try await running([service]) {
            try await rounds(script, reach: 1)
            try await clock.waitForSleepers()
            clock.advance(by: .milliseconds(1999))
            try await Task.sleep(for: .milliseconds(20))
            #expect(script.rounds == 1, "the first backoff is two intervals")
            clock.advance(by: .milliseconds(1))
            try await rounds(script, reach: 2)
            try await clock.waitForSleepers()
            clock.advance(by: .seconds(3))
            try await Task.sleep(for: .milliseconds(20))
            #expect(script.rounds == 2, "the second is four")
            clock.advance(by: .seconds(1))
            try await rounds(script, reach: 3)
            try await clock.waitForSleepers()
            clock.advance(by: .seconds(1))
            try await rounds(script, reach: 4)
        }
    }

    @Test("a pause waits until its instant by the loop's clock")
    func pause() async throws {
        let clock = ManualClock()
        let script = Script([.paused(until: clock.date.addingTimeInterval(900))])
        let service = LoopService(name: "test", interval: .seconds(1), clock: clock, date: { clock.date }, logger: logger, work: { script.next() })
        try await running([service]) {
            try await rounds(script, reach: 1)
            try await clock.waitForSleepers()
            clock.advance(by: .seconds(899))
            try await Task.sleep(for: .milliseconds(20))
            #expect(script.rounds == 1)
            clock.advance(by: .seconds(1))
            try await rounds(script, reach: 2)
        }
    }

    @Test("the doorbell cuts a wait short; a graceful shutdown ends a wait at once")
    func doorbellAndShutdown() async throws {
        let clock = ManualClock()
        let script = Script([])
        let doorbell = Doorbell()
        let service = LoopService(name: "test", interval: .seconds(3600), clock: clock, date: { clock.date }, doorbell: doorbell, logger: logger,
                                  work: { script.next() })
        try await running([service]) {
            try await rounds(script, reach: 1)
            try await clock.waitForSleepers()
            doorbell.ring()
            try await rounds(script, reach: 2)
            #expect(clock.now.offset == .zero, "woken without time passing")
        }
        #expect(script.rounds == 2, "the shutdown ended the hour's wait without another round")
    }

    @Test("a ring while the loop works is kept for its next wait")
    func pendingRing() async throws {
        let doorbell = Doorbell()
        doorbell.ring()
        await doorbell.wait()
        let waited = Script([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await doorbell.wait()
                _ = waited.next()
            }
            try await Task.sleep(for: .milliseconds(20))
            #expect(waited.rounds == 0, "one ring, one wait")
            doorbell.ring()
            try await group.waitForAll()
        }
        #expect(waited.rounds == 1)
    }

    @Test("work that throws ends the loop with that error (refused credentials end the daemon)")
    func fatal() async throws {
        struct Refused: Error {}
        let clock = ManualClock()
        let service = LoopService(name: "test", interval: .seconds(1), clock: clock, logger: logger, work: { throw Refused() })
        await #expect(throws: Refused.self) { try await service.run() }
    }
}
