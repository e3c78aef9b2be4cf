import CRMSimulator
import Foundation
import LeadRelayCore
@testable import LeadRelayCRM
import Testing

@Suite("A write refused for some fields goes again without them")
struct PartialRefusalTests {
    @Test("HubSpot names every property it refuses; the rest is applied, the refused ones come back with HubSpot's own error")
    func hubspot() async throws {
        try await withConnectors { simulator, connectors in
            try await simulator.state.setHubSpotPropertyOptions("contacts", "numemployees", options: ["1-50", "51-200"])
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "pat@acme.io", "lastname": "Pat"])
            let other = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "kim@acme.io", "lastname": "Kim"])
            let outcomes = try await connectors.hubspot.apply([
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: String(id),
                            fields: ["jobtitle": "CTO", "numemployees": "25-50", "hs_lead_status": "WARM"]),
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: String(other), fields: ["jobtitle": "CFO"]),
            ])
            guard case .appliedWithout(let applied, let refused) = outcomes[0].result else { Issue.record("\(outcomes[0].result)"); return }
            #expect(applied == String(id))
            #expect(Set(refused.keys) == ["numemployees", "hs_lead_status"])
            #expect(refused["numemployees"]?.hasPrefix("INVALID_OPTION: 25-50 was not one of the allowed options: [1-50, 51-200]") == true)
            #expect(refused["hs_lead_status"]?.hasPrefix("INVALID_OPTION: WARM") == true)
            #expect(outcomes[1].result == .applied(id: String(other)), "the batch's other record is applied too")
            let record = await simulator.state.hubspotRecord("contacts", id: id)
            #expect(record?.properties["jobtitle"] == "CTO" && record?.properties["numemployees"] == nil)
            #expect(await simulator.state.hubspotRecord("contacts", id: other)?.properties["jobtitle"] == "CFO")
        }
    }

    @Test("a write whose every field is refused stays refused, with HubSpot's message")
    func hubspotNothingLeft() async throws {
        try await withConnectors { simulator, connectors in
            try await simulator.state.setHubSpotPropertyOptions("contacts", "numemployees", options: ["1-50", "51-200"])
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "pat@acme.io", "lastname": "Pat"])
            let outcomes = try await connectors.hubspot.apply([
                RecordWrite(operation: .update, system: .hubspot, object: "contacts", id: String(id), fields: ["numemployees": "25-50"])])
            guard case .rejected(let code, let message) = outcomes[0].result else { Issue.record("\(outcomes[0].result)"); return }
            #expect(code == "VALIDATION_ERROR" && message.contains("INVALID_OPTION"))
        }
    }

    @Test("Salesforce names the fields of a record's error; the record goes again without them")
    func salesforce() async throws {
        try await withConnectors { simulator, connectors in
            let id = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Pat", "Company": "Acme", "Email": "pat@acme.io"])
            let outcomes = try await connectors.salesforce.apply([
                RecordWrite(operation: .update, system: .salesforce, object: "Lead", id: id,
                            fields: ["FirstName": "Pat", "Title": String(repeating: "Chief ", count: 40)]),
            ])
            guard case .appliedWithout(let applied, let refused) = outcomes[0].result else { Issue.record("\(outcomes[0].result)"); return }
            #expect(applied == id && Array(refused.keys) == ["Title"])
            #expect(refused["Title"]?.hasPrefix("STRING_TOO_LONG") == true)
            let record = await simulator.state.salesforceRecord("Lead", id: id)
            #expect(record?.fields["FirstName"] == .string("Pat"))
            #expect(record?.fields["Title"] == nil || record?.fields["Title"] == .null)
        }
    }
}
