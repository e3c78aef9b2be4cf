import ArgumentParser
import Foundation
import LeadRelayCore
import LeadRelayEngine
import Logging

/// `leadrelay bench sla`: the SLA monitor over a real SQLite store holding `--leads` open first-touch clocks (the
/// shipped sla.yaml and routing, reps on the office calendar): how long a tick takes with nothing due and with a batch
/// due, how many timers a second it gets through, and what the business-time arithmetic costs.
struct BenchSLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "Time SLA monitor ticks over many open clocks in a SQLite store, and the business-time clock itself.")

    @Option(name: .long, help: "Open SLA clocks (leads assigned and not yet touched).")
    var leads: Int = 100_000

    @Option(name: .long, help: "Timers due per measured tick (the monitor takes 250 a tick, then the next tick at once).")
    var due: Int = 250

    @Option(name: .long, help: "Measured ticks with timers due.")
    var ticks: Int = 10

    @Flag(name: .long, help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        guard leads > 0, leads <= 2_000_000 else { throw ValidationError("--leads must be between 1 and 2000000") }
        guard due > 0, due <= 100_000 else { throw ValidationError("--due must be between 1 and 100000") }
        guard ticks > 0, ticks <= 1_000 else { throw ValidationError("--ticks must be between 1 and 1000") }
    }

    func run() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadrelay-bench-sla-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try await BenchPipelineCommand.shippedConfiguration(in: directory)
        guard let settings = loaded.slaSettings else { throw ValidationError("the shipped configuration has no sla.yaml") }
        let store = try Daemon.openStore(at: (directory as NSString).appendingPathComponent("bench.sqlite"))
        let reps = loaded.routing.reps.map { loaded.routing.rep($0, email: $0.email) }
        let start = ISOTimestamp.parse("2026-12-07T14:00:00Z")!
        // Assignments spread over a working week, alternating tiers and reps.
        var generator = SystemRandomNumberGenerator()
        var seeded = 0
        let (_, seeding) = try await timed {
            while seeded < leads {
                var plan = Plan(generatedAt: start)
                for index in seeded..<min(leads, seeded + 10_000) {
                    let person = PersonKey.email("lead\(index)@bench.example")
                    let tier = settings.config.tiers[index % settings.config.tiers.count]
                    let at = start.addingTimeInterval(Double.random(in: 0..<(5 * 86_400), using: &generator))
                    let summary = LeadSummary(personKey: person, name: "Lead \(index)", email: "lead\(index)@bench.example", company: "Bench \(index % 977)",
                                              score: 80, fit: 40, interest: 40, routedBy: "bench")
                    let started = SLATimers.start(person, rep: reps[index % reps.count], tier: tier, settings: settings, at: at, lead: summary)
                    plan.events.append(started.event)
                    plan.timers += started.timers
                }
                try await store.commit(CycleCommit(plan: plan), at: start)
                seeded = min(leads, seeded + 10_000)
            }
        }
        var monitor = SLAMonitor(settings: settings, routing: loaded.routing, store: store, configVersion: nil,
                                 logger: .quiet("leadrelay.bench.sla"))
        monitor.batch = due
        // Nothing due: the tick an idle monitor pays every interval.
        let (_, idle) = try await timed { _ = try await monitor.tick(now: start.addingTimeInterval(-60)) }
        // Then batches: the instant at which the next `due` timers have fallen due.
        var handled = 0
        var tickTimes: [Double] = []
        var now = start
        for _ in 0..<ticks {
            let pending = try await store.dueTimers(at: .distantFuture, limit: due, kinds: SLATimers.monitored)
            guard let last = pending.last else { break }
            now = max(now, last.dueAt)
            let (tick, seconds) = try await timed { try await monitor.tick(now: now) }
            handled += tick.handled
            tickTimes.append(seconds)
            // The poll cycle takes the reroute requests (not timed: that is routing's cost, measured by bench pipeline).
            let requests = try await store.dueTimers(at: now, limit: 1_000_000, kinds: [SLATimers.reroute])
            if !requests.isEmpty {
                try await store.commit(CycleCommit(plan: Plan(generatedAt: now, timers: requests.map { .cancel(key: $0.key) })), at: now)
            }
        }
        // The clock itself: a lead's due instant, and a year of business time.
        let calendar = settings.team ?? .always()
        let samples = 100_000
        var sink = 0.0
        let (_, adds) = await timed {
            for index in 0..<samples {
                sink += calendar.add(7200, to: start.addingTimeInterval(Double(index * 37 % 604_800)))?.timeIntervalSince1970 ?? 0
            }
        }
        let years = 10_000
        let (_, diffs) = await timed {
            for index in 0..<years {
                let from = start.addingTimeInterval(Double(index * 3_607 % 604_800))
                sink += calendar.businessTime(from: from, to: from.addingTimeInterval(365 * 86_400))
            }
        }
        let sorted = tickTimes.sorted()
        let mean = tickTimes.reduce(0, +) / Double(max(tickTimes.count, 1))
        try BenchReport(benchmark: "sla", figures: [
            "open_clocks": Double(leads), "seeding_seconds": seeding,
            "idle_tick_ms": idle * 1000,
            "due_per_tick": Double(due), "ticks_measured": Double(tickTimes.count), "timers_handled": Double(handled),
            "tick_ms_mean": mean * 1000, "tick_ms_max": (sorted.last ?? 0) * 1000,
            "ticks_per_second": mean > 0 ? 1 / mean : 0, "timers_per_second": mean > 0 ? Double(due) / mean : 0,
            "clock_add_us": adds / Double(samples) * 1e6, "business_time_year_us": diffs / Double(years) * 1e6,
        ], notes: ["target: a tick under 100 ms with \(leads) open clocks", "checksum \(Int(sink) % 1000)"]).print(json: json)
    }
}
