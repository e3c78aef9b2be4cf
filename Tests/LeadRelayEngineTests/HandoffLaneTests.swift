import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayCRM
import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Speed to lead behind a backlog: fresh hand-offs go first")
struct HandoffLaneTests {
    @Test("a demo request planned after a backlog's hand-offs and data is written to both CRMs and announced before any of them")
    func freshFirst() async throws {
        try await withPagedBacklog(seed: 21, people: 500) { simulator, configuration in
            let daemon = try await Daemon.start(configuration)
            // The backlog, read a page a cycle, nothing dispatched: its held MQLs are released (and routed) once it is read.
            var released: [PersonKey] = []
            for _ in 0..<20 {
                let result = try await daemon.engine.runCycle()
                released += result.commit.released
                if result.catchingUp.isEmpty { break }
            }
            let backlogOwners = try await daemon.store.allAssignments().count
            #expect(backlogOwners > 5 && !released.isEmpty, "\(backlogOwners) assigned, \(released.count) released")
            let pending = try await daemon.store.pendingOutbox(limit: 100_000)
            #expect(pending.contains { $0.lane == .backlog } && pending.contains { $0.lane == .data })
            #expect(!pending.contains { $0.lane == .handoff }, "every hand-off so far waited for the backlog")

            let id = try await simulator.state.createHubSpotRecord("contacts", properties: [
                "email": "casey@bigco.io", "firstname": "Casey", "lastname": "Kim", "jobtitle": "CTO", "numemployees": "500-1000",
                "industry": "COMPUTER_SOFTWARE", "state": "NY"])
            await simulator.state.recordHubSpotEvent(contactID: id, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let fresh = try await daemon.engine.runCycle()
            #expect(fresh.plan.assignments.keys.contains(PersonKey.email("casey@bigco.io")))
            let writesBefore = await simulator.state.writes.count
            let alertsBefore = await simulator.state.slackBodies().count
            // Rounds smaller than the backlog, as they are at 100,000 people: the claim's order decides, not one round's.
            var dispatcher = daemon.dispatcher
            dispatcher.batchSize = 50
            #expect(pending.count > 4 * dispatcher.batchSize)
            let stats = try await dispatcher.drain()
            #expect(stats.failed == 0)

            let writes = await simulator.state.writes.dropFirst(writesBefore)
            let hubspot = try #require(writes.firstIndex { $0.system == .hubspot && $0.id == String(id) && $0.fields["hubspot_owner_id"] != nil })
            let salesforce = try #require(writes.firstIndex { $0.system == .salesforce && $0.created && $0.fields["Email"] == "casey@bigco.io" })
            #expect(writes[writes.startIndex..<hubspot].allSatisfy { $0.system != .hubspot },
                    "the new contact's owner is the first HubSpot write: \(writes[writes.startIndex..<hubspot].count) before it")
            #expect(writes[writes.startIndex..<salesforce].allSatisfy { $0.system != .salesforce || $0.fields["Email"] == "casey@bigco.io" },
                    "the new lead is the first Salesforce write")
            let alerts = await simulator.state.slackBodies().dropFirst(alertsBefore)
            #expect(alerts.count >= backlogOwners, "every backlog MQL is announced too")
            #expect(alerts.first?["text"]?.stringValue?.contains("Casey Kim") == true, "the fresh MQL is announced first")
            #expect(try await daemon.store.pendingOutbox(limit: 10).isEmpty, "one drain carries out everything, lane by lane")
        }
    }
}
