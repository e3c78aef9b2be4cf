@testable import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
@testable import LeadRelayEngine
import Testing

@Suite("The event log, written by real cycles against the simulator")
struct EventLogEngineTests {
    @Test("an MQL's life is logged in order with its cycle and configuration: scored, MQL, stage, assigned, SLA clock started, alert queued, delivered")
    func handoffEvents() async throws {
        try await withRig(people: 60) { rig in
            let result = try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            let (person, rep) = try #require(result.plan.assignments.sorted { $0.key < $1.key }.first)
            let stored = try await rig.store.events(for: person)
            #expect(stored.map(\.event.name) == ["score_changed", "mql", "lifecycle_changed", "assigned", "sla_started", "notified", "delivered"])
            #expect(stored.prefix(6).allSatisfy { $0.configVersion == rig.configuration.version && $0.cycle != nil })
            #expect(!rig.configuration.version.isEmpty)
            #expect(stored.last?.event.kind == .delivered(repID: rep, channel: "slack", state: .accepted))
            #expect(stored[3].event.kind == .assigned(repID: rep, rule: try #require(result.plan.changes.compactMap { change -> String? in
                if case .assign(let decision) = change.action, change.person == person { decision.rule } else { nil }
            }.first)))
            let entry = try #require(try await rig.store.outbox().first { $0.subject == .person(person) })
            #expect(stored[0].cycle == entry.effect.cycle, "events and effects of one cycle carry its number")
            // Every assignment is open, as the log says.
            let open = try await rig.store.routingState().open.values.reduce(0, +)
            #expect(open == result.plan.assignments.count)
        }
    }

    @Test("a rep's owner changed by a person in HubSpot is logged and closes the assignment; LeadRelay's own owner write is not")
    func ownerChangedByPerson() async throws {
        try await withRig(people: 60) { rig in
            let result = try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            // Our own owner writes come back: nothing is logged as a person's change.
            let echo = try await rig.engine.runCycle()
            #expect(!echo.plan.events.contains { $0.name == "owner_changed_by_person" })
            let (person, rep) = try #require(result.plan.assignments.sorted { $0.key < $1.key }.first)
            let contact = try #require(try await rig.store.people([person]).links.keys.first { $0.system == .hubspot })
            let before = try await rig.store.routingState().open[rep] ?? 0
            let stranger = HubSpotOwner(id: "999001", userId: 9_990_001, email: "someone.else@example.com", firstName: "Some", lastName: "One")
            await rig.simulator.state.addHubSpotOwner(stranger)
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: Int(contact.id)!, properties: ["hubspot_owner_id": stranger.id])
            let next = try await rig.engine.runCycle()
            let changed = next.plan.events.filter { $0.personKey == person && $0.name == "owner_changed_by_person" }
            #expect(changed.map(\.kind) == [.ownerChangedByPerson(system: .hubspot, from: changed.first.flatMap {
                if case .ownerChangedByPerson(_, let from, _, _) = $0.kind { from } else { nil } }, to: stranger.id, toRep: nil)])
            #expect(try await rig.store.routingState().open[rep] ?? 0 == before - 1, "the rep no longer holds it")
            #expect(next.plan.assignments[person] == nil, "a person's choice of owner is not overridden")
        }
    }

    @Test("a lead the CRM moves on (disqualified in Salesforce, SQL in HubSpot) closes its assignment, so the rep's capacity frees up")
    func movedOn() async throws {
        try await withRig(people: 60) { rig in
            let result = try await rig.engine.runCycle()
            try await rig.dispatcher.drain()
            _ = try await rig.engine.runCycle()
            let (first, rep) = try #require(result.plan.assignments.sorted { $0.key < $1.key }.first)
            let lead = try #require(try await rig.store.people([first]).links.keys.first { $0.system == .salesforce })
            let before = try await rig.store.routingState().open[rep] ?? 0
            try await rig.simulator.state.setSalesforceLeadStatus(lead.id, status: "Closed - Not Converted", reason: "No budget")
            let next = try await rig.engine.runCycle()
            let moved = next.plan.events.filter { $0.name == "lifecycle_changed" && $0.personKey == first }
            #expect(moved.map(\.kind) == [.lifecycleChanged(from: .mql, to: .disqualified)], "\(next.plan.events.map(\.kind))")
            #expect(moved.allSatisfy { $0.cause.code == .lifecycleMovedOn })
            #expect(try await rig.store.routingState().open[rep] ?? 0 == before - 1, "the rep no longer holds it")
            let quiet = try await rig.engine.runCycle()
            #expect(!quiet.plan.events.contains { $0.name == "lifecycle_changed" }, "read again, nothing moved: no second event")

            // A new MQL, then HubSpot's stage moved to SQL by sales.
            let id = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "casey@bigco.io", "firstname": "Casey", "lastname": "Kim", "jobtitle": "CTO", "numemployees": "500-1000",
                "industry": "COMPUTER_SOFTWARE", "state": "NY"])
            await rig.simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let routed = try await rig.engine.runCycle()
            let caseyRep = try #require(routed.plan.assignments[.email("casey@bigco.io")])
            try await rig.dispatcher.drain()
            _ = try await rig.engine.runCycle()
            let held = try await rig.store.routingState().open[caseyRep] ?? 0
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: id, properties: ["lifecyclestage": "salesqualifiedlead"])
            let sql = try await rig.engine.runCycle()
            #expect(sql.plan.events.contains { $0.personKey == .email("casey@bigco.io") && $0.kind == .lifecycleChanged(from: .mql, to: .sql) },
                    "\(sql.plan.events.map(\.kind))")
            #expect(try await rig.store.routingState().open[caseyRep] ?? 0 == held - 1)
        }
    }
}
