import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Synchronization
import Testing

@Suite("The periodic summary at info")
struct ActivitySummaryTests {
    @Test("cycles and drains are counted between summaries; one info line per period, none before it, counts start again after")
    func periodic() async throws {
        try await withRig { rig in
            let logs = CapturedLogs()
            let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
            let date: @Sendable () -> Date = { now.withLock { $0 } }
            let summary = ActivitySummary(period: 900, logger: logs.logger())
            let poll = DaemonLoops.poll(rig.engine, doorbell: nil, date: date, logger: logs.logger(), summary: summary)
            let dispatch = DaemonLoops.dispatch(rig.dispatcher, date: date, logger: logs.logger(), summary: summary)
            func summaries() -> [String] { logs.all.filter { $0.hasPrefix("info Summary since the last one.") } }

            #expect(try await poll() == .done)
            #expect(try await dispatch() == .done)
            now.withLock { $0 += 600 }
            #expect(try await poll() == .done)
            #expect(summaries().isEmpty, "ten minutes in: nothing yet")
            now.withLock { $0 += 301 }
            #expect(try await poll() == .done)
            let first = try #require(summaries().first)
            #expect(summaries().count == 1)
            #expect(first.contains("summary.cycles\": 3"), "\(first)")
            let assignments = try await rig.store.allAssignments().count
            #expect(assignments > 0 && first.contains("summary.assignments\": \(assignments)"), "\(first)")
            #expect(first.contains("summary.notifications\": \(assignments)"), "every MQL's alert was sent in the drain: \(first)")
            #expect(first.contains("summary.minutes\": 15"), "\(first)")

            now.withLock { $0 += 901 }
            #expect(try await poll() == .done)
            let second = try #require(summaries().last)
            #expect(summaries().count == 2 && second.contains("summary.cycles\": 1") && second.contains("summary.assignments\": 0"), "\(second)")
        }
    }
}
