import CRMSimulator
import Foundation
import GRDB
import LeadRelayCore
@testable import LeadRelayEngine
import LeadRelayTestSupport
import Testing

@Suite("Least-loaded by the CRMs' own count")
struct CRMLoadTests {
    @Test("leads a manager gave a rep by hand in Salesforce count toward their load; converted ones and HubSpot twins do not count twice")
    func handAssigned() async throws {
        try await withRig(people: 0) { rig in
            let state = rig.simulator.state
            _ = try await rig.engine.runCycle()
            let reps = RepDirectory(routing: rig.configuration.routing, owners: [
                .hubspot: try await rig.connectors[0].owners(), .salesforce: try await rig.connectors[1].owners()])
            let chloe = try #require(reps.reps.first { $0.id == "chloe" })
            let user = try #require(chloe.salesforceUserID)
            // Eight open leads given to chloe in Salesforce, outside LeadRelay; one of them also in HubSpot, owned there too.
            for index in 0..<8 {
                _ = try await state.createSalesforceRecord("Lead", fields: [
                    "Email": .string("hand\(index)@clinic\(index).org"), "LastName": .string("Hand\(index)"), "Company": .string("Clinic \(index)"),
                    "OwnerId": .string(user), "Status": "Open - Not Contacted"])
            }
            _ = try await state.createHubSpotRecord("contacts", properties: [
                "email": "hand0@clinic0.org", "lastname": "Hand0", "hubspot_owner_id": try #require(chloe.hubspotOwnerID)])
            // One converted: not open.
            let done = try await state.createSalesforceRecord("Lead", fields: [
                "Email": "done@clinic.org", "LastName": "Done", "Company": "Clinic", "OwnerId": .string(user), "Status": "Working - Contacted"])
            _ = try await state.convertSalesforceLead(done)
            _ = try await rig.engine.runCycle()
            let counted = try await rig.store.read { try $0.crmOpenLeads() }
            #expect(counted.count(for: chloe) == 8, "\(counted)")

            // A store from before record holds counts them once from its snapshots, with no CRM read.
            let file = try DatabaseQueue(path: rig.configuration.storePath)
            try await file.write { db in try db.execute(sql: "DELETE FROM record_holds") }
            let quiet = try await rig.engine.runCycle()
            #expect(quiet.changedRecords == 0 && !quiet.backfill)
            #expect(try await rig.store.read { try $0.crmOpenLeads() } == counted, "the same count as when the records were read")

            // A healthcare MQL: chloe's eight hand-given leads weigh against her (weight 1) beside ana (weight 2, none).
            let contact = try await state.createHubSpotRecord("contacts", properties: [
                "email": "pat@mercy-health.org", "firstname": "Pat", "lastname": "Lopez", "jobtitle": "CIO", "numemployees": "500-1000",
                "industry": "HOSPITAL_HEALTH_CARE", "state": "OH"])
            await state.recordHubSpotEvent(contactID: contact, eventType: "e_submitted_form", properties: ["hs_form_name": "demo-request"])
            let result = try await rig.engine.runCycle()
            let decision = try #require(result.plan.changes.lazy.compactMap { change -> RouteDecision? in
                if case .assign(let decision) = change.action, change.person == .email("pat@mercy-health.org") { decision } else { nil }
            }.first)
            #expect(decision.rule == "healthcare" && decision.repID == "ana", "\(decision.reason)")
            #expect(decision.candidates.first { $0.repID == "chloe" }?.rejected == "more loaded (8 open, weight 1)", "\(decision.candidates)")
        }
    }
}
