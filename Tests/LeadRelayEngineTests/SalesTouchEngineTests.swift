import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Sales touches reach the store only when an SLA needs them")
struct SalesTouchEngineTests {
    @Test("with sla.yaml a logged call and a booked meeting are stored as touches of their contact and lead; without it no touch stream is read")
    func touchStreams() async throws {
        try await withRig(people: 20) { rig in
            _ = try await rig.engine.runCycle()
            let contact = try #require(await rig.simulator.state.hubspotRecords("contacts").first { !$0.archived })
            let lead = try #require(await rig.simulator.state.salesforceRecords("Lead").first { $0.fields["IsDeleted"] != .bool(true) })
            try await rig.simulator.state.logHubSpotEngagement("calls", contact: contact.id, properties: [
                "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED"])
            try await rig.simulator.state.logSalesforceEvent(whoID: lead.id, subject: "Discovery", start: Date().addingTimeInterval(3600))
            let cycle = try await rig.engine.runCycle()
            #expect(cycle.streams.first { $0.stream == "hubspot.calls" }?.calls == 2, "a search and one association read")
            #expect(cycle.streams.first { $0.stream == "hubspot.meetings" }?.calls == 1, "an empty search reads no associations")
            let refs = [RecordRef(system: .hubspot, object: "contacts", id: String(contact.id)), RecordRef(system: .salesforce, object: "Lead", id: lead.id)]
            let stored = try await rig.store.read { try $0.activities(for: refs) }
            #expect(stored.filter(\.isTouch).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.call, .meeting], "\(stored)")

            var withoutSLA = rig.configuration
            withoutSLA.sla = nil
            let plain = try await Daemon.start(withoutSLA, store: rig.store, connectors: rig.connectors).engine
            let idle = try await plain.runCycle()
            #expect(!idle.streams.contains { ["hubspot.calls", "hubspot.emails", "hubspot.meetings", "salesforce.events"].contains($0.stream) },
                    "\(idle.streams.map(\.stream))")
        }
    }
}
