import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

/// The shipped routing with every rep full (capacity 1, and one open lead each given by hand in Salesforce) and
/// `stranded` as given.
func withFullTeam<T: Sendable>(stranded: String, _ body: @escaping @Sendable (Rig) async throws -> T) async throws -> T {
    let simulator = CRMSimulator()
    _ = try await SeedGenerator(options: .init(seed: 11, people: 0)).populate(simulator.state)
    return try await simulator.withRunningInSlot { endpoints in
        let workspace = try TestWorkspace()
        try workspace.configure(endpoints, credentials: simulator.state.credentials)
        var routing = try String(contentsOfFile: workspace.directory + "/routing.yaml", encoding: .utf8)
        let shipped = "stranded:\n  queue: { salesforce: Unassigned_Leads, alert: sales-ops@example.com }"
        #expect(routing.contains(shipped), "the shipped routing holds stranded leads in the org's lead queue")
        routing = routing.replacingOccurrences(of: "capacity: 40", with: "capacity: 1").replacingOccurrences(of: shipped, with: stranded)
        for (index, user) in await simulator.state.salesforceRecords("User").filter({ user in
            ["ana", "ben", "chloe", "dev", "eli", "fay"].contains { user.fields["Email"] == .string("\($0)@example.com") }
        }).enumerated() {
            _ = try await simulator.state.createSalesforceRecord("Lead", fields: [
                "Email": .string("held\(index)@clinic\(index).org"), "LastName": .string("Held\(index)"), "Company": .string("Clinic \(index)"),
                "OwnerId": .string(user.id), "Status": "Working - Contacted"])
        }
        try workspace.write("routing.yaml", routing)
        let configuration = try ConfigurationLoader(environment: [:]).load(workspace.configPath)
        return try await body(Rig(simulator: simulator, daemon: try await Daemon.start(configuration)))
    }
}

@Suite("Stranded queue against the simulator")
struct StrandedQueueEngineTests {
    static func hotContact(_ state: SimulatorState, email: String) async throws -> Int {
        let contact = try await state.createHubSpotRecord("contacts", properties: [
            "email": email, "firstname": "Pat", "lastname": "Lopez", "jobtitle": "CIO", "numemployees": "500-1000",
            "industry": "HOSPITAL_HEALTH_CARE", "state": "OH"])
        await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
        return contact
    }

    @Test("with every rep full, the org's lead queue (found by API name) owns the new Salesforce lead, the alert names it, and a rep taking it there becomes the holder")
    func queueHolds() async throws {
        try await withFullTeam(stranded: "stranded:\n  queue: { salesforce: Unassigned_Leads, hubspot: clear, alert: sales-ops@example.com }") { rig in
            let state = rig.simulator.state
            let queueID = try #require(await state.salesforceRecords("Group").first { $0.fields["DeveloperName"] == .string("Unassigned_Leads") }?.id)
            _ = try await rig.engine.runCycle()
            let contact = try await Self.hotContact(state, email: "pat@mercy-health.org")
            let result = try await rig.engine.runCycle()
            #expect(result.strandedQueueProblem == nil)
            let person = PersonKey.email("pat@mercy-health.org")
            #expect(result.plan.assignments == [person: StrandedTarget.queueHolder])
            let stats = try await rig.dispatcher.drain()
            #expect(stats.failed == 0 && stats.retryLater == 0 && stats.notified == 1)
            let lead = try #require(await state.salesforceRecords("Lead").first { $0.fields["Email"] == .string("pat@mercy-health.org") })
            #expect(lead.fields["OwnerId"] == .string(queueID), "the queue owns it in Salesforce: \(lead.fields["OwnerId"].debugDescription)")
            let hubspot = try #require(await state.hubspotRecord("contacts", id: contact))
            #expect(hubspot.properties["lifecyclestage"] == "marketingqualifiedlead")
            #expect((hubspot.properties["hubspot_owner_id"] ?? "").isEmpty)
            let alert = try #require(await state.slackBodies().last?["text"]?.stringValue)
            #expect(alert.contains("Stranded MQL") && alert.contains("Pat Lopez"), "\(alert)")
            let explained = try await RouteExplanation.explain("pat@mercy-health.org", configuration: rig.configuration, store: rig.store)
            #expect(explained.text().contains("held now by queue Unassigned_Leads"), "\(explained.text())")
            #expect(explained.decisions.first?.reps.allSatisfy { $0.code == "capacity" } == true)

            // Our own write coming back is not a person's change, and nothing is written or said again.
            let writes = (await state.writeCalls(.hubspot), await state.writeCalls(.salesforce))
            for _ in 0..<2 { _ = try await rig.engine.runCycle() }
            #expect(try await rig.dispatcher.drain().notified == 0)
            #expect((await state.writeCalls(.hubspot), await state.writeCalls(.salesforce)) == writes)
            #expect(AssignmentLedger(try await rig.store.events(for: person).map(\.event)).holders[person] == StrandedTarget.queueHolder)

            // Ben picks it up from the queue in Salesforce: he holds it now.
            let reps = RepDirectory(routing: rig.configuration.routing, owners: [.salesforce: try await rig.connectors[1].owners()])
            let ben = try #require(reps.reps.first { $0.id == "ben" }?.salesforceUserID)
            try await state.updateSalesforceRecord("Lead", id: lead.id, fields: ["OwnerId": .string(ben)])
            _ = try await rig.engine.runCycle()
            let events = try await rig.store.events(for: person).map(\.event)
            // The queue owed no touch; Ben's clock starts when he takes it.
            #expect(events.suffix(2).map(\.name) == ["owner_changed_by_person", "sla_started"])
            #expect(events.dropLast().last?.kind == .ownerChangedByPerson(system: .salesforce, from: queueID, to: ben, toRep: "ben"))
            if case .slaStarted(let rep, _, _)? = events.last?.kind { #expect(rep == "ben") } else { Issue.record("no clock for Ben: \(events)") }
            #expect(!events.contains { if case .slaStarted(let rep, _, _) = $0.kind { StrandedTarget.isQueue(rep) } else { false } })
            #expect(AssignmentLedger(events).holders[person] == "ben")
        }
    }

    @Test("a queue Salesforce does not have leaves the lead unassigned and says which queues it has; nothing is written to a bad owner")
    func unknownQueue() async throws {
        try await withFullTeam(stranded: "stranded:\n  queue: { salesforce: Overflow_Queue }") { rig in
            _ = try await rig.engine.runCycle()
            _ = try await Self.hotContact(rig.simulator.state, email: "pat@mercy-health.org")
            let result = try await rig.engine.runCycle()
            let problem = try #require(result.strandedQueueProblem)
            #expect(problem.contains("'Overflow_Queue'") && problem.contains("Unassigned_Leads"), "\(problem)")
            #expect(result.plan.assignments.isEmpty)
            #expect(try await rig.dispatcher.drain().failed == 0)
            #expect(await rig.simulator.state.salesforceRecords("Lead").first { $0.fields["Email"] == .string("pat@mercy-health.org") } == nil)
        }
    }
}
