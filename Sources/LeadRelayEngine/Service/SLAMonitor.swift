import Foundation
import LeadRelayCore
import Logging
import Metrics

/// The SLA monitor: on its own clock, whatever the CRMs do, it takes the SLA timers that fell due and acts on each —
/// a touch settles the clock, else a reminder, a breach (told to the rep and their manager), or the end of the grace
/// period — and commits the result like a cycle (events, alerts to the outbox, timers) in one transaction.
public struct SLAMonitor: Sendable {
    public struct Tick: Sendable, Equatable {
        public var handled = 0
        public var reminders = 0
        public var breaches = 0
        public var touched = 0
        public var reassignments = 0
        /// When the next timer falls due (`nil`: none set).
        public var nextDue: Date?
        /// The tick took a full batch: more may be due now.
        public var more = false
    }

    let store: any StateStore
    let core: SLAMonitorCore
    let configVersion: String?
    let logger: Logger
    /// Timers taken per tick at most, so a tick stays short (about 50 ms); the rest are taken at once by the next.
    public var batch = 250

    public init(settings: SLASettings, routing: RoutingConfig, store: any StateStore, configVersion: String?, logger: Logger) {
        let reps = routing.reps.map { routing.rep($0, email: $0.email) }
        self.core = SLAMonitorCore(settings: settings, reps: Dictionary(reps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        self.store = store
        self.configVersion = configVersion
        self.logger = logger
    }

    /// Acts on every SLA timer due at `now`.
    public func tick(now: Date) async throws -> Tick {
        var tick = Tick()
        // Reroute requests wait for the cycle, which routes: they are not asked for, and never crowd these out.
        let due = try await store.dueTimers(at: now, limit: batch, kinds: SLATimers.monitored)
        tick.more = due.count == batch
        if !due.isEmpty {
            let people = try await store.people(Set(due.map(\.personKey)))
            var activities: [PersonKey: [Activity]] = [:]
            for activity in people.activities {
                guard let person = people.links[activity.subject] else { continue }
                activities[person, default: []].append(activity)
            }
            var plan = Plan(generatedAt: now)
            for (person, timers) in Dictionary(grouping: due, by: \.personKey).sorted(by: { $0.key < $1.key }) {
                let ordered = timers.sorted { ($0.dueAt, $0.key) < ($1.dueAt, $1.key) }
                // After an outage a breach may be due with its reminders: the breach says it all. Once a touch settles
                // the clock, its other first-touch timers are moot (the settle cancels them); the persistence count goes on.
                let breachDue = ordered.contains { [SLATimers.breach, SLATimers.reassign, SLATimers.away].contains($0.kind) }
                var settled = false
                for timer in ordered {
                    if timer.kind != SLATimers.persistence, settled || (breachDue && timer.kind == SLATimers.reminder) {
                        plan.timers.append(.cancel(key: timer.key))
                        continue
                    }
                    let step = core.handle(timer, activities: activities[person] ?? [], now: now)
                    tick.handled += 1
                    plan.changes += step.changes
                    plan.events += step.events
                    plan.timers += step.timers
                    for event in step.events {
                        switch event.kind {
                        case .slaTouched: tick.touched += 1; settled = true
                        case .slaReminded: tick.reminders += 1
                        case .slaBreached: tick.breaches += 1
                        case .slaReassignDue: tick.reassignments += 1
                        default: break
                        }
                    }
                }
            }
            var commit = CycleCommit(plan: plan)
            commit.configVersion = configVersion
            try await store.commit(commit, at: now)
            Counter(label: "leadrelay_sla_breaches_total").increment(by: tick.breaches)
            Counter(label: "leadrelay_sla_reminders_total").increment(by: tick.reminders)
            for event in plan.events where event.name == "sla_breached" {
                logger.notice("First-touch SLA breached.", metadata: ["lead": "\(event.personKey)", "reason": "\(event.cause.text)"])
            }
        }
        tick.nextDue = try await store.nextDue(kinds: SLATimers.monitored)
        return tick
    }
}
