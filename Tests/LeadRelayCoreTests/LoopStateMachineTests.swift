import Foundation
import LeadRelayCore
import Testing

@Suite("Loop state machine")
struct LoopStateMachineTests {
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    @Test("a round that catches up waits the interval; one with more waiting runs again at once")
    func doneAndMore() {
        var machine = LoopStateMachine(interval: .seconds(5))
        #expect(machine.state == .idle)
        #expect(machine.ready() == .run)
        #expect(machine.state == .running)
        #expect(machine.finished(.moreNow, now: now) == .run)
        #expect(machine.finished(.done, now: now) == .wait(.seconds(5)))
        #expect(machine.state == .idle)
    }

    @Test("a round with something due soon waits till then, never past the interval, never a busy loop; it resets failures")
    func doneUntil() {
        var machine = LoopStateMachine(interval: .seconds(5))
        _ = machine.ready()
        _ = machine.finished(.failed, now: now)
        _ = machine.ready()
        #expect(machine.finished(.doneUntil(now.addingTimeInterval(1.5)), now: now) == .wait(.milliseconds(1500)))
        #expect(machine.failures == 0 && machine.state == .idle)
        _ = machine.ready()
        #expect(machine.finished(.doneUntil(now.addingTimeInterval(60)), now: now) == .wait(.seconds(5)), "the interval still bounds the wait")
        _ = machine.ready()
        #expect(machine.finished(.doneUntil(now.addingTimeInterval(-3)), now: now) == .wait(.milliseconds(50)), "overdue: a short pause, not a spin")
    }

    @Test("failures back off from twice the interval, doubling, capped; a success resets the count")
    func backoff() {
        var machine = LoopStateMachine(interval: .seconds(1), maxBackoff: .seconds(60))
        var waits: [Duration] = []
        for _ in 0..<8 {
            _ = machine.ready()
            if case .wait(let wait) = machine.finished(.failed, now: now) { waits.append(wait) }
        }
        #expect(waits == [2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        #expect(machine.state == .backoff(failures: 8) && machine.failures == 8)
        _ = machine.ready()
        #expect(machine.finished(.done, now: now) == .wait(.seconds(1)))
        _ = machine.ready()
        #expect(machine.finished(.failed, now: now) == .wait(.seconds(2)), "counted from one again")
    }

    @Test("the backoff for a long interval never exceeds the cap, and 2⁸ is the most it multiplies by")
    func backoffBounds() {
        let long = LoopStateMachine(interval: .seconds(600), maxBackoff: .seconds(300))
        #expect(long.backoff(1) == .seconds(300))
        let short = LoopStateMachine(interval: .milliseconds(100), maxBackoff: .seconds(3600))
        #expect(short.backoff(20) == short.backoff(8))
        #expect(short.backoff(8) == .milliseconds(25_600))
    }

    @Test("a pause waits until its instant: at least a second, at most the longest pause; the failure count stands")
    func pause() {
        var machine = LoopStateMachine(interval: .seconds(1), maxPause: .seconds(3600))
        _ = machine.ready()
        _ = machine.finished(.failed, now: now)
        _ = machine.ready()
        #expect(machine.finished(.paused(until: now.addingTimeInterval(90)), now: now) == .wait(.seconds(90)))
        #expect(machine.state == .pausedUntil(now.addingTimeInterval(90)))
        _ = machine.ready()
        #expect(machine.finished(.paused(until: now.addingTimeInterval(-5)), now: now) == .wait(.seconds(1)), "a past instant")
        _ = machine.ready()
        #expect(machine.finished(.paused(until: now.addingTimeInterval(86_400)), now: now) == .wait(.seconds(3600)), "re-checked hourly")
        _ = machine.ready()
        #expect(machine.finished(.failed, now: now) == .wait(.seconds(4)), "second failure in a row")
    }

    @Test("a shutdown while waiting stops at once; while running, the round finishes and then it stops")
    func shutdown() {
        var waiting = LoopStateMachine(interval: .seconds(1))
        _ = waiting.ready()
        _ = waiting.finished(.done, now: now)
        waiting.shutdown()
        #expect(waiting.ready() == .stop)
        var running = LoopStateMachine(interval: .seconds(1))
        #expect(running.ready() == .run)
        running.shutdown()
        #expect(running.state == .stopping)
        #expect(running.finished(.moreNow, now: now) == .stop)
        #expect(running.finished(.failed, now: now) == .stop)
    }
}
