import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: control API over HTTP")
struct ControlAPITests {
    @Test("scripts can link a contact to a company and expire every token and session")
    func linksAndExpiry() async throws {
        try await withSimulator { simulator, endpoints in
            let company = try await simulator.state.createHubSpotRecord("companies", properties: ["name": "Acme", "domain": "acme.io"])
            let contact = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "z@acme.io"])
            let linked = try await call("PUT", endpoints.url("/_simulator/hubspot/contacts/\(contact)/companies/\(company)", query: "primary=true"))
            #expect(linked.status == 204)
            #expect(await simulator.state.hubspotRecord("contacts", id: contact)?.properties["associatedcompanyid"] == String(company))
            #expect(try await call("PUT", endpoints.url("/_simulator/hubspot/contacts/\(contact)/companies/999")).status == 404)
            #expect(try await call("PUT", endpoints.url("/_simulator/hubspot/contacts/x/companies/1")).status == 400)

            let token = try await salesforceToken(simulator, endpoints)
            let query = endpoints.url("/services/data/v62.0/query", query: soql("SELECT COUNT() FROM Lead"))
            #expect(try await call("GET", query, token: token).status == 200)
            #expect(try await call("POST", endpoints.url("/_simulator/salesforce/expire-sessions")).status == 204)
            #expect(try await call("GET", query, token: token).status == 401)
        }
    }

    @Test("scripts can act as marketing and sales: create, engage, log a call, change status, convert, merge, delete")
    func control() async throws {
        try await withSimulator { simulator, endpoints in
            let contact = try await call("POST", endpoints.url("/_simulator/hubspot/contacts"), json: ["properties": ["email": "x@acme.io", "firstname": "X"]])
            #expect(contact.status == 201)
            let contactID = try #require(contact.json["id"]?.stringValue.flatMap(Int.init))
            let other = try await call("POST", endpoints.url("/_simulator/hubspot/contacts"), json: ["properties": ["email": "y@acme.io"]])
            #expect(try await call("POST", endpoints.url("/_simulator/hubspot/events"),
                                   json: ["contactId": .string(String(contactID)), "eventType": "e_submitted_form", "properties": ["hs_form_name": "demo-request"]]).status == 201)
            #expect(try await call("POST", endpoints.url("/_simulator/hubspot/events"), json: ["contactId": "1", "eventType": "e_teleported"]).status == 400)
            let merged = try await call("POST", endpoints.url("/_simulator/hubspot/merge"),
                                        json: ["primary": .string(String(contactID)), "merged": other.json["id"] ?? .null])
            #expect(merged.json["id"]?.stringValue == String(contactID))
            let lead = try await call("POST", endpoints.url("/_simulator/salesforce/leads"), json: ["fields": ["LastName": "Lead", "Company": "Acme"]])
            let leadID = try #require(lead.json["id"]?.stringValue)
            #expect(try await call("POST", endpoints.url("/_simulator/salesforce/tasks"), json: ["whoId": .string(leadID), "subject": "Intro call"]).status == 201)
            #expect(try await call("POST", endpoints.url("/_simulator/salesforce/leads/\(leadID)/status"),
                                   json: ["status": "Working - Contacted"]).status == 204)
            let converted = try await call("POST", endpoints.url("/_simulator/salesforce/leads/\(leadID)/convert"))
            #expect(converted.json["contactId"]?.stringValue?.hasPrefix("003") == true)
            let again = try await call("POST", endpoints.url("/_simulator/salesforce/leads/\(leadID)/status"), json: ["status": "Open - Not Contacted"])
            #expect(again.status == 400 && again.json["error"]?.stringValue?.hasPrefix("CANNOT_UPDATE_CONVERTED_LEAD") == true)
            #expect(try await call("DELETE", endpoints.url("/_simulator/hubspot/contacts/\(contactID)")).status == 204)
            #expect(await simulator.state.hubspotRecord("contacts", id: contactID)?.archived == true)
            let stats = try await call("GET", endpoints.url("/_simulator/stats"))
            #expect(stats.json["hubspot"]?["writeCalls"] == 0, "control actions are not API writes")
            #expect(await simulator.state.salesforceRecords("Task").count == 1)
        }
    }
}
