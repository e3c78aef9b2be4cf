import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import Testing

@Suite("Lifecycle in both CRMs, against the simulator")
struct LifecycleEngineTests {
    /// The assigned people who have a record in both CRMs, with their rep and records.
    func handedOff(_ rig: Rig) async throws -> [(person: PersonKey, rep: String, contact: RecordRef, lead: RecordRef)] {
        var people: [(PersonKey, String, RecordRef, RecordRef)] = []
        for (person, assignment) in try await rig.store.allAssignments().sorted(by: { $0.key < $1.key }) {
            let rep = assignment.repID
            let links = try await rig.store.people([person]).links.keys
            guard let contact = links.first(where: { $0.system == .hubspot && $0.object == "contacts" }),
                  let lead = links.first(where: { $0.system == .salesforce && $0.object == "Lead" }) else { continue }
            people.append((person, rep, contact, lead))
        }
        return people
    }

    func moves(_ plan: Plan, _ person: PersonKey) -> [LeadEvent.Kind] {
        plan.events.filter { $0.personKey == person && $0.name == "lifecycle_changed" }.map(\.kind)
    }

    func contact(_ rig: Rig, _ ref: RecordRef) async -> [String: String] {
        await rig.simulator.state.hubspotRecord("contacts", id: Int(ref.id)!)?.properties ?? [:]
    }

    @Test("accepted in Salesforce → IN_PROGRESS in HubSpot; converted with an opportunity → HubSpot's stage forward; recycled → HubSpot's stage back (cleared first); disqualified in HubSpot → closed in Salesforce; one event per move")
    func lifecycle() async throws {
        try await withRig(people: 60) { rig in
            // Three demo requests from good-fit people; the backlog read to its end, every MQL routed and written
            // (their Salesforce leads created), and read back.
            for (index, name) in ["Casey Kim", "Robin Ode", "Sasha Lund"].enumerated() {
                let parts = name.split(separator: " ").map(String.init)
                let id = try await rig.simulator.state.createHubSpotRecord("contacts", properties: [
                    "email": "\(parts[0].lowercased())@bigco\(index).io", "firstname": parts[0], "lastname": parts[1], "jobtitle": "CTO",
                    "numemployees": "500-1000", "industry": "COMPUTER_SOFTWARE", "state": "NY", "lifecyclestage": "lead"])
                await rig.simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            }
            for _ in 0..<3 {
                _ = try await rig.engine.runCycle()
                try await rig.dispatcher.drain()
            }
            _ = try await rig.engine.runCycle()
            let people = try await handedOff(rig)
            try #require(people.count >= 3, "\(people.map(\.person))")
            let (accepted, recycled, rejected) = (people[0], people[1], people[2])
            let held = try await rig.store.routingState().open[accepted.rep] ?? 0

            // A rep accepts in Salesforce: SAL, the rep keeps the lead, HubSpot shows it as in progress.
            try await rig.simulator.state.setSalesforceLeadStatus(accepted.lead.id, status: "Working - Contacted")
            let sal = try await rig.engine.runCycle()
            #expect(moves(sal.plan, accepted.person) == [.lifecycleChanged(from: .mql, to: .sal)], "\(sal.plan.events.map(\.kind))")
            #expect(sal.plan.events.first { $0.personKey == accepted.person && $0.name == "lifecycle_changed" }?.cause.code == .lifecycleAccepted)
            try await rig.dispatcher.drain()
            #expect(await contact(rig, accepted.contact)["hs_lead_status"] == "IN_PROGRESS")
            #expect(await contact(rig, accepted.contact)["lifecyclestage"] == "marketingqualifiedlead")
            #expect(try await rig.store.routingState().open[accepted.rep] ?? 0 == held, "accepting keeps the lead with its rep")
            let echo = try await rig.engine.runCycle()
            #expect(moves(echo.plan, accepted.person).isEmpty && echo.plan.writes.isEmpty, "HubSpot catching up is no news: \(echo.plan.writes)")

            // Converted with an opportunity: HubSpot moves forward to opportunity, the assignment closes.
            _ = try await rig.simulator.state.convertSalesforceLead(accepted.lead.id, opportunity: ("Northwind – 40 seats", 48_000))
            let won = try await rig.engine.runCycle()
            #expect(moves(won.plan, accepted.person) == [.lifecycleChanged(from: .sal, to: .opportunity)], "\(won.plan.events.map(\.kind))")
            try await rig.dispatcher.drain()
            #expect(await contact(rig, accepted.contact)["lifecyclestage"] == "opportunity")
            #expect(await contact(rig, accepted.contact)["hs_lead_status"] == "OPEN_DEAL")
            #expect(try await rig.store.routingState().open[accepted.rep] ?? 0 == held - 1, "the rep's capacity frees up")

            // Recycled in Salesforce (a status the org added): HubSpot's stage goes back to lead, which HubSpot only
            // allows from blank; the write says so.
            try await rig.simulator.state.setSalesforceLeadStatus(recycled.lead.id, status: "Recycled")
            let back = try await rig.engine.runCycle()
            #expect(moves(back.plan, recycled.person) == [.lifecycleChanged(from: .mql, to: .recycled)], "\(back.plan.events.map(\.kind))")
            let stageBack = back.plan.changes.filter { $0.person == recycled.person && $0.reason.code == .writeStageBack }
            #expect(stageBack.count == 1 && stageBack[0].reason.text.contains("moved back from marketingqualifiedlead to lead"))
            try await rig.dispatcher.drain()
            #expect(await contact(rig, recycled.contact)["lifecyclestage"] == "lead", "cleared first, so HubSpot took the move back")
            #expect(await contact(rig, recycled.contact)["hs_lead_status"] == "BAD_TIMING")

            // Disqualified by sales working in HubSpot: Salesforce's lead is closed.
            _ = try await rig.simulator.state.updateHubSpotRecord("contacts", id: Int(rejected.contact.id)!, properties: ["hs_lead_status": "UNQUALIFIED"])
            let out = try await rig.engine.runCycle()
            #expect(moves(out.plan, rejected.person) == [.lifecycleChanged(from: .mql, to: .disqualified)], "\(out.plan.events.map(\.kind))")
            try await rig.dispatcher.drain()
            #expect(await rig.simulator.state.salesforceRecord("Lead", id: rejected.lead.id)?.fields["Status"] == .string("Closed - Not Converted"))

            // Everything read back: no further moves, no further writes; the store kept each move with its cause.
            let quiet = try await rig.engine.runCycle()
            #expect(!quiet.plan.events.contains { $0.name == "lifecycle_changed" } && quiet.plan.writes.isEmpty, "\(quiet.plan.writes)")
            let logged = try await rig.store.events(for: accepted.person).filter { $0.event.name == "lifecycle_changed" }
            #expect(logged.count == 3, "\(logged.map(\.event.kind))")
            if case .lifecycleChanged(_, let to)? = logged.first?.event.kind { #expect(to == .mql) }
            #expect(logged.dropFirst().map(\.event.kind) == [.lifecycleChanged(from: .mql, to: .sal), .lifecycleChanged(from: .sal, to: .opportunity)])
            #expect(logged.allSatisfy { !$0.event.cause.text.isEmpty })
        }
    }
}
