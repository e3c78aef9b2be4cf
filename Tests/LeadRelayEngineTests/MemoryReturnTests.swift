import Foundation
import Logging
@testable import LeadRelayEngine
import Synchronization
import Testing

@Suite("Freed memory goes back to the system when the daemon goes quiet")
struct MemoryReturnTests {
    final class Count: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var current: Int { value.withLock { $0 } }
    }

    @Test("work then a quiet round trims once; quiet rounds after that do not; quiet rounds before any work do not")
    func onceAfterWork() {
        let trims = Count()
        let memory = MemoryReturn(busyEvery: .seconds(60), logger: Logger(label: "test"), release: { trims.add() })
        let start = ContinuousClock.now
        memory.quiet(now: start)
        #expect(trims.current == 0, "nothing was done: nothing to return")
        memory.busy(now: start)
        memory.busy(now: start + .seconds(1))
        #expect(trims.current == 0, "not while a short spell of work lasts")
        memory.quiet(now: start + .seconds(2))
        #expect(trims.current == 1)
        memory.quiet(now: start + .seconds(3))
        memory.quiet(now: start + .seconds(400))
        #expect(trims.current == 1, "once per spell of work")
    }

    @Test("a backlog that never goes quiet is trimmed at most every busyEvery")
    func duringBacklog() {
        let trims = Count()
        let memory = MemoryReturn(busyEvery: .seconds(60), logger: Logger(label: "test"), release: { trims.add() })
        let start = ContinuousClock.now
        for second in stride(from: 0, through: 300, by: 5) { memory.busy(now: start + .seconds(second)) }
        #expect(trims.current == 5, "at 60, 120, 180, 240 and 300 s")
        memory.quiet(now: start + .seconds(301))
        #expect(trims.current == 5, "the trim at 300 s came after that round's work")
        memory.busy(now: start + .seconds(305))
        memory.quiet(now: start + .seconds(306))
        #expect(trims.current == 6, "and once more when the last work ends")
    }

    @Test("this process's resident memory is read from /proc, and the real trim runs")
    func resident() throws {
        let rss = try #require(MemoryReturn.residentMegabytes())
        #expect(rss > 1 && rss < 100_000)
        #expect(MemoryReturn.mallocTrim != nil, "glibc's malloc_trim is found")
        MemoryReturn.trimHeap()
    }
}
