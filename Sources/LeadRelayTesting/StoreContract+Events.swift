import Foundation
import LeadRelayCore
import Testing

extension StoreContract {
    static func event(_ person: PersonKey, _ kind: LeadEvent.Kind, at offset: TimeInterval = 0) -> LeadEvent {
        LeadEvent(personKey: person, kind: kind, cause: Reason(.fixture, "because"), occurredAt: now.addingTimeInterval(offset))
    }

    static let eventChecks: [Check] = [
        Check("timers are set, moved and cancelled by commits; the due ones come back earliest first") { subject in
            let store = subject.store
            func timer(_ key: String, _ offset: TimeInterval) -> LeadTimer {
                LeadTimer(key: key, personKey: .email("p-\(key)@x.io"), kind: "sla.reminder", dueAt: now.addingTimeInterval(offset), facts: ["share": "0.5"])
            }
            #expect(try await store.nextDue() == nil)
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, timers: [.schedule(timer("a", 60)), .schedule(timer("b", 30)),
                                                                                      .schedule(timer("c", 90))])), at: now)
            #expect(try await store.nextDue() == now.addingTimeInterval(30))
            #expect(try await store.dueTimers(at: now.addingTimeInterval(29), limit: 10).isEmpty)
            #expect(try await store.dueTimers(at: now.addingTimeInterval(60), limit: 10).map(\.key) == ["b", "a"])
            #expect(try await store.dueTimers(at: now.addingTimeInterval(60), limit: 1) == [timer("b", 30)])
            // Scheduling a key again moves it; cancelling removes it; a later change to one key in a plan wins.
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, timers: [.schedule(timer("b", 120)), .cancel(key: "c"),
                                                                                      .schedule(timer("d", 10)), .cancel(key: "d")])), at: now)
            #expect(try await store.dueTimers(at: now.addingTimeInterval(1000), limit: 10).map(\.key) == ["a", "b"])
            #expect(try await store.nextDue() == now.addingTimeInterval(60))
            // Each reader asks for its own kinds: timers of another kind neither come back nor crowd the limit.
            var request = timer("r", 5)
            request.kind = "sla.reroute"
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, timers: [.schedule(request)])), at: now)
            #expect(try await store.dueTimers(at: now.addingTimeInterval(1000), limit: 1, kinds: ["sla.reminder"]).map(\.key) == ["a"])
            #expect(try await store.dueTimers(at: now.addingTimeInterval(1000), limit: 10, kinds: ["sla.reroute"]).map(\.key) == ["r"])
            #expect(try await store.dueTimers(at: now.addingTimeInterval(1000), limit: 10, kinds: []).isEmpty)
            #expect(try await store.nextDue(kinds: ["sla.reminder", "sla.breach"]) == now.addingTimeInterval(60))
            #expect(try await store.nextDue() == now.addingTimeInterval(5))
        },
        Check("events land with their cycle's commit, in order, stamped with the cycle and the configuration version") { subject in
            let store = subject.store
            let first = [event(.email("p1@x.io"), .scoreChanged(from: nil, to: 110, fit: 60, interest: 50)), event(.email("p1@x.io"), .mql(score: 110, threshold: 100)),
                         event(.email("p1@x.io"), .assigned(repID: "ana", rule: "round-robin"))]
            var commit = CycleCommit(plan: Plan(generatedAt: now, events: first))
            commit.configVersion = "cfg-1"
            try await store.commit(commit, at: now)
            var second = CycleCommit(plan: Plan(generatedAt: now, changes: [
                PlanChange(personKey: .email("p2@x.io"), action: .write(write("9", ["jobtitle": "CTO"])), reason: Reason(.fixture, "title"))],
                                                events: [event(.email("p2@x.io"), .notified(repID: "ben", notification: .newMQL))]))
            second.configVersion = "cfg-2"
            try await store.commit(second, at: now)
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now)), at: now)
            let all = try await store.events(after: 0, limit: 100)
            #expect(all.map(\.event) == first + second.plan.events)
            #expect(all.map(\.sequence) == all.map(\.sequence).sorted() && Set(all.map(\.sequence)).count == 4)
            #expect(all.map(\.configVersion) == ["cfg-1", "cfg-1", "cfg-1", "cfg-2"])
            let cycles = all.compactMap(\.cycle)
            #expect(cycles.count == 4 && cycles[0] == cycles[2] && cycles[3] > cycles[0])
            let entry = try #require(try await store.pendingOutbox(limit: 10).first)
            #expect(entry.effect.cycle == cycles[3], "effects and events of one cycle share its number")
            #expect(try await store.events(after: all[1].sequence, limit: 1).map(\.event) == [first[2]])
            #expect(try await store.events(for: .email("p2@x.io")).map(\.event) == second.plan.events)
        },
        Check("a failed commit appends no events") { subject in
            let store = subject.store
            // Two fills of one field for one person: a store may refuse the plan; if it does, nothing of it lands.
            let fills = [EnrichedValue(field: "industry", value: "A", source: "rules", filledAt: now),
                         EnrichedValue(field: "industry", value: "B", source: "rules", filledAt: now)]
            let plan = Plan(generatedAt: now, changes: [PlanChange(personKey: .email("p@x.io"), action: .enrich(fills), reason: Reason(.fixture, "e"))],
                            events: [event(.email("p@x.io"), .mql(score: 1, threshold: 1))])
            let accepted: Bool
            do {
                try await store.commit(CycleCommit(plan: plan), at: now)
                accepted = true
            } catch {
                accepted = false
            }
            let events = try await store.events(after: 0, limit: 10)
            let enriched = try await store.people([.email("p@x.io")]).enriched
            if accepted {
                #expect(events.count == 1 && enriched[.email("p@x.io")] != nil, "accepted: its events with it")
            } else {
                #expect(events.isEmpty && enriched.isEmpty, "refused: nothing of it")
            }
        },
        Check("open assignments are derived from events: assigned opens, a person's change of owner or a closing stage ends it") { subject in
            let store = subject.store
            func assign(_ person: PersonKey, _ rep: String) -> PlanChange {
                PlanChange(personKey: person, action: .assign(RouteDecision(repID: rep, rule: "round-robin", reason: "r", candidates: [])), reason: Reason(.fixture, "r"))
            }
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [assign(.email("p1@x.io"), "ana"), assign(.email("p2@x.io"), "ana"), assign(.email("p3@x.io"), "ben")],
                                                          events: [event(.email("p1@x.io"), .assigned(repID: "ana", rule: "round-robin")),
                                                                   event(.email("p2@x.io"), .assigned(repID: "ana", rule: "round-robin")),
                                                                   event(.email("p3@x.io"), .assigned(repID: "ben", rule: "round-robin"))])), at: now)
            let first = try await store.routingState()
            #expect(first.assigned == ["ana": 2, "ben": 1] && first.open == ["ana": 2, "ben": 1])
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, events: [
                event(.email("p1@x.io"), .ownerChangedByPerson(system: .salesforce, from: "005A", to: "005Z", toRep: nil), at: 60),
                event(.email("p2@x.io"), .ownerChangedByPerson(system: .hubspot, from: "701", to: "702", toRep: "ben"), at: 60),
                event(.email("p3@x.io"), .lifecycleChanged(from: .mql, to: .sql), at: 60),
                event(.email("p3@x.io"), .scoreChanged(from: 110, to: 120, fit: 60, interest: 60), at: 61),
            ])), at: now)
            let routing = try await store.routingState()
            #expect(routing.open == ["ben": 1], "p1 left for someone unknown, p2 went to ben, p3 is qualified")
            #expect(routing.assigned == ["ana": 2, "ben": 1], "assignments ever made are kept for fairness")
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [assign(.email("p3@x.io"), "ana")],
                                                          events: [event(.email("p3@x.io"), .lifecycleChanged(from: .sql, to: .recycled), at: 120),
                                                                   event(.email("p3@x.io"), .assigned(repID: "ana", rule: "round-robin"), at: 121)])), at: now)
            #expect(try await store.routingState().open == ["ben": 1, "ana": 1])
        },
        Check("a pool's fairness ledger and the recent assignment times survive the commit; a later decision replaces the pool's ledger") { subject in
            let store = subject.store
            func assign(_ person: PersonKey, _ rep: String, after: [String: Int]) -> PlanChange {
                let decision = RouteDecision(repID: rep, rule: "northeast", reason: "r", candidates: [],
                                             fairness: .init(pool: "northeast", before: [:], after: after, policy: "bounded(2)"))
                return PlanChange(personKey: person, action: .assign(decision), reason: Reason(.fixture, "r"))
            }
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [assign(.email("p1@x.io"), "ana", after: ["ana": -1, "ben": 1])])), at: now)
            try await store.commit(CycleCommit(plan: Plan(generatedAt: now, changes: [assign(.email("p2@x.io"), "ben", after: ["ana": 1, "ben": -1])])),
                                   at: now.addingTimeInterval(3600))
            let routing = try await store.read { try $0.routingState(recentSince: now.addingTimeInterval(60)) }
            #expect(routing.ledgers == ["northeast": FairnessLedger(credit: ["ana": 1, "ben": -1])])
            #expect(routing.recent == ["ben": [now.addingTimeInterval(3600)]], "only assignments since the bound: \(routing.recent)")
            #expect(routing.assigned == ["ana": 1, "ben": 1])
        },
    ]
}
