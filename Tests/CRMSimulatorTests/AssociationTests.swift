import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: HubSpot associations v4")
struct AssociationTests {
    @Test("contact ↔ company: default and labelled links, numeric toObjectId, one primary, associatedcompanyid, delete")
    func links() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let acme = try await simulator.state.createHubSpotRecord("companies", properties: ["name": "Acme", "domain": "acme.io"])
            let globex = try await simulator.state.createHubSpotRecord("companies", properties: ["name": "Globex", "domain": "globex.com"])
            let contact = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "ana@acme.io"])
            let base = "/crm/v4/objects/contacts/\(contact)/associations"

            let unlabeled = try await call("PUT", endpoints.url("\(base)/default/companies/\(acme)"), token: token)
            #expect(unlabeled.status == 200)
            #expect(unlabeled.json["results"]?.arrayValue?[0]["associationSpec"]?["associationTypeId"] == .number(279))
            let primary = try await call("PUT", endpoints.url("\(base)/companies/\(globex)"), token: token,
                                         json: [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .number(1)]])
            #expect(primary.status == 201)
            #expect(primary.json["labels"] == ["Primary"])
            let before = try #require(await simulator.state.hubspotRecord("contacts", id: contact))
            #expect(before.properties["associatedcompanyid"] == String(globex))

            let read = try await call("GET", endpoints.url("\(base)/companies"), token: token)
            #expect(read.status == 200)
            let results = try #require(read.json["results"]?.arrayValue)
            #expect(results.map { $0["toObjectId"] } == [.number(Double(acme)), .number(Double(globex))], "toObjectId is a JSON number")
            #expect(results[1]["associationTypes"]?.arrayValue?.compactMap { $0["typeId"]?.doubleValue } == [1, 279])
            #expect(results[1]["associationTypes"]?.arrayValue?[0]["label"] == "Primary")
            #expect(results[0]["associationTypes"]?.arrayValue?[0]["label"] == .null)

            // Making Acme primary takes it from Globex: a contact has one primary company.
            _ = try await call("PUT", endpoints.url("\(base)/companies/\(acme)"), token: token,
                               json: [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .number(1)]])
            let links = await simulator.state.associations(from: "contacts", id: contact, to: "companies")
            #expect(links.map(\.types) == [[1, 279], [279]])
            #expect(await simulator.state.hubspotRecord("contacts", id: contact)?.properties["associatedcompanyid"] == String(acme))

            // From the company side the type ids are 2 and 280.
            let reverse = try await call("GET", endpoints.url("/crm/v4/objects/companies/\(acme)/associations/contacts"), token: token)
            #expect(reverse.json["results"]?.arrayValue?[0]["associationTypes"]?.arrayValue?.compactMap { $0["typeId"]?.doubleValue } == [2, 280])

            let bad = try await call("PUT", endpoints.url("\(base)/companies/\(acme)"), token: token,
                                     json: [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .number(4)]])
            #expect(bad.status == 400)

            let deleted = try await call("DELETE", endpoints.url("\(base)/companies/\(acme)"), token: token)
            #expect(deleted.status == 204)
            #expect(await simulator.state.associations(from: "contacts", id: contact, to: "companies").map(\.id) == [globex])
            #expect(await simulator.state.hubspotRecord("contacts", id: contact)?.properties["associatedcompanyid"] == nil)

            let missing = try await call("GET", endpoints.url("/crm/v4/objects/contacts/999999/associations/companies"), token: token)
            #expect(missing.status == 404)
        }
    }

    @Test("batch read answers 207 for ids without links; inline associations on create; merges keep links")
    func batchAndInline() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let acme = try await simulator.state.createHubSpotRecord("companies", properties: ["name": "Acme", "domain": "acme.io"])
            let created = try await call("POST", endpoints.url("/crm/v3/objects/contacts"), token: token, json: [
                "properties": ["email": "ben@acme.io"],
                "associations": [["to": ["id": .string(String(acme))], "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .number(1)]]]],
            ])
            #expect(created.status == 201)
            let ben = try #require(created.json["id"]?.stringValue.flatMap(Int.init))
            let loner = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "cy@elsewhere.org"])

            let read = try await call("POST", endpoints.url("/crm/v4/associations/contacts/companies/batch/read"), token: token,
                                      json: ["inputs": [["id": .string(String(ben))], ["id": .string(String(loner))]]])
            #expect(read.status == 207)
            #expect(read.json["results"]?.arrayValue?[0]["from"]?["id"] == .string(String(ben)))
            #expect(read.json["results"]?.arrayValue?[0]["to"]?.arrayValue?[0]["toObjectId"] == .number(Double(acme)))
            #expect(read.json["numErrors"] == .number(1))

            let bad = try await call("POST", endpoints.url("/crm/v3/objects/contacts"), token: token, json: [
                "properties": ["email": "dee@acme.io"], "associations": [["to": ["id": "424242"], "types": [["associationTypeId": .number(279)]]]],
            ])
            #expect(bad.status == 400)
            #expect(await simulator.state.hubspotRecords("contacts").count == 2, "a create with a bad association creates nothing")

            // Associate the loner by batch, then merge it into Ben: the survivor keeps Acme.
            let associate = try await call("POST", endpoints.url("/crm/v4/associations/contacts/companies/batch/associate/default"), token: token,
                                           json: ["inputs": [["from": ["id": .string(String(loner))], "to": ["id": .string(String(acme))]]]])
            #expect(associate.status == 201)
            _ = try await simulator.state.mergeHubSpotContacts(primary: ben, merged: loner)
            let links = await simulator.state.associations(from: "companies", id: acme, to: "contacts")
            #expect(links.map(\.id) == [ben])

            let archive = try await call("POST", endpoints.url("/crm/v4/associations/contacts/companies/batch/archive"), token: token,
                                         json: ["inputs": [["from": ["id": .string(String(ben))], "to": [["id": .string(String(acme))]]]]])
            #expect(archive.status == 204)
            #expect(await simulator.state.associations(from: "contacts", id: ben, to: "companies").isEmpty)
        }
    }
}
