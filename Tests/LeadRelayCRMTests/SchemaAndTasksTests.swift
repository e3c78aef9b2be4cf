import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import Testing

@Suite("Schema reads and sales touches behind the connector protocol")
struct SchemaAndTasksTests {
    @Test("HubSpot properties and Salesforce describe become one field schema shape")
    func schemas() async throws {
        try await withConnectors(people: 3) { _, connectors in
            let hubspot = Dictionary(uniqueKeysWithValues: try await connectors.hubspot.fieldSchema(object: "contacts").map { ($0.name, $0) })
            let stage = try #require(hubspot["lifecyclestage"])
            #expect(stage.type == "enumeration" && stage.restricted && stage.options.contains("marketingqualifiedlead"))
            #expect(hubspot["hubspot_owner_id"]?.restricted == false, "owner options are external")
            #expect(hubspot["createdate"]?.updateable == false)
            #expect(hubspot["email"]?.updateable == true)

            let salesforce = Dictionary(uniqueKeysWithValues: try await connectors.salesforce.fieldSchema(object: "Lead").map { ($0.name, $0) })
            #expect(salesforce["Status"]?.options.contains("Open - Not Contacted") == true)
            #expect(salesforce["LastName"]?.required == true && salesforce["Company"]?.required == true)
            #expect(salesforce["Email"]?.required == false)
            #expect(salesforce["Id"]?.updateable == false)
            do {
                _ = try await connectors.salesforce.fieldSchema(object: "Lead; DROP")
                Issue.record("an object name outside the identifier rules must be refused")
            } catch let error as CRMError {
                guard case .rejected(_, 0, _, _) = error else { Issue.record("refused locally, not by the CRM: \(error)"); return }
            }
            do {
                _ = try await connectors.hubspot.fieldSchema(object: "../owners")
                Issue.record("a path outside the object names must be refused")
            } catch let error as CRMError {
                guard case .rejected(_, 0, _, _) = error else { Issue.record("refused locally, not by the CRM: \(error)"); return }
            }
        }
    }

    @Test("Salesforce Tasks on leads arrive as sales touches since the watermark, with the rep who made them")
    func tasks() async throws {
        try await withConnectors(people: 10) { simulator, connectors in
            let lead = try #require(await simulator.state.salesforceRecords("Lead").first)
            let rep = try #require(try await connectors.salesforce.owners().first { $0.email == "ana@example.com" })
            let before = try await connectors.salesforce.pollActivities(since: nil, lookback: 0)
            #expect(before.items.isEmpty && before.calls == 1)
            try await simulator.state.logSalesforceTask(whoID: lead.id, subject: "Intro call", subtype: "Call", ownerID: rep.id)
            try await simulator.state.logSalesforceTask(whoID: lead.id, subject: "Follow-up", subtype: "Email", ownerID: rep.id)
            let contact = try await simulator.state.convertSalesforceLead(await simulator.state.salesforceRecords("Lead")[1].id).contact
            try await simulator.state.logSalesforceTask(whoID: contact, subject: "Customer call", subtype: "Call")
            let after = try await connectors.salesforce.pollActivities(since: before.watermark, lookback: 0)
            #expect(after.items.map(\.kind) == [.call, .salesEmail])
            #expect(after.items.allSatisfy { $0.subject == RecordRef(system: .salesforce, object: "Lead", id: lead.id) && $0.actor == rep.id })
            #expect(after.items.allSatisfy { $0.isSalesTouch })
            let idle = try await connectors.salesforce.pollActivities(since: after.watermark, lookback: 0)
            #expect(idle.items.isEmpty && idle.calls == 1)
        }
    }
}
