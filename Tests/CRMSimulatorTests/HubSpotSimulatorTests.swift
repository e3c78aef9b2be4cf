import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: HubSpot API")
struct HubSpotSimulatorTests {
    @Test("list: values are strings or null, paging is absent on the last page, limit is capped at 100")
    func list() async throws {
        try await withSimulator(people: 40) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let first = try await call("GET", endpoints.url("/crm/v3/objects/contacts", query: "limit=20&properties=email,numemployees,website,nonsense"), token: token)
            #expect(first.status == 200)
            let results = try #require(first.json["results"]?.arrayValue)
            #expect(results.count == 20)
            for record in results {
                #expect(record["id"]?.stringValue?.allSatisfy(\.isNumber) == true)
                let properties = try #require(record["properties"]?.objectValue)
                #expect(properties["nonsense"] == nil)
                #expect(properties["website"] == .null)
                #expect(properties["numemployees"]?.stringValue != nil)
                #expect(record["updatedAt"]?.stringValue?.hasSuffix("Z") == true)
            }
            var after = first.json["paging"]?["next"]?["after"]?.stringValue
            var pages = 1
            while let cursor = after {
                let page = try await call("GET", endpoints.url("/crm/v3/objects/contacts", query: "limit=20&after=\(cursor)"), token: token)
                pages += 1
                after = page.json["paging"]?["next"]?["after"]?.stringValue
                if after == nil { #expect(page.json["paging"] == nil) }
            }
            #expect(pages >= 2)
            let tooMany = try await call("GET", endpoints.url("/crm/v3/objects/contacts", query: "limit=101"), token: token)
            #expect(tooMany.status == 400)
            #expect(tooMany.json["category"]?.stringValue == "VALIDATION_ERROR")
        }
    }

    @Test("requests without the right token get 401 with a category")
    func auth() async throws {
        try await withSimulator { _, endpoints in
            let reply = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: "pat-na1-wrong")
            #expect(reply.status == 401)
            #expect(reply.json["category"]?.stringValue == "INVALID_AUTHENTICATION")
            #expect(reply.json["correlationId"]?.stringValue != nil)
        }
    }

    @Test("search: GTE on lastmodifieddate, ascending sort, offset paging, total, and the 200 / 10,000 limits")
    func search() async throws {
        try await withSimulator(people: 60) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let url = endpoints.url("/crm/v3/objects/contacts/search")
            let body: SimJSON = ["filterGroups": [["filters": [["propertyName": "lastmodifieddate", "operator": "GTE", "value": "0"]]]],
                                   "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]],
                                   "properties": ["email", "lastmodifieddate"], "limit": 25, "after": "0"]
            let page = try await call("POST", url, token: token, json: body)
            #expect(page.status == 200)
            let total = try #require(page.json["total"]?.doubleValue)
            #expect(total > 25)
            #expect(page.json["paging"]?["next"]?["after"]?.stringValue == "25")
            let times = (page.json["results"]?.arrayValue ?? []).compactMap { $0["properties"]?["lastmodifieddate"]?.stringValue.flatMap(SimTime.parse) }
            #expect(times == times.sorted())
            var tooBig = body
            if case .object(var object) = tooBig { object["limit"] = 201; tooBig = .object(object) }
            #expect(try await call("POST", url, token: token, json: tooBig).status == 400)
            var capped = body
            if case .object(var object) = capped { object["after"] = "10000"; capped = .object(object) }
            let cap = try await call("POST", url, token: token, json: capped)
            #expect(cap.status == 400)
            #expect(cap.json["category"]?.stringValue == "VALIDATION_ERROR")
            let unknown: SimJSON = ["filterGroups": [["filters": [["propertyName": "shoe_size", "operator": "EQ", "value": "9"]]]]]
            #expect(try await call("POST", url, token: token, json: unknown).status == 400)
        }
    }

    @Test("writes: unknown property, bad option, duplicate email, batch cap and 207 partial failure")
    func writes() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let contacts = endpoints.url("/crm/v3/objects/contacts")
            let created = try await call("POST", contacts, token: token, json: ["properties": ["email": "a@acme.io", "firstname": "A"]])
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            let duplicate = try await call("POST", contacts, token: token, json: ["properties": ["email": "A@acme.io"]])
            #expect(duplicate.status == 409)
            #expect(duplicate.json["message"]?.stringValue == "Contact already exists. Existing ID: \(id)")
            let unknown = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token, json: ["properties": ["shoe": "9"]])
            #expect(unknown.status == 400)
            #expect(unknown.json["errors"]?.arrayValue?.first?["code"]?.stringValue == "PROPERTY_DOESNT_EXIST")
            let badOption = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token, json: ["properties": ["lifecyclestage": "Purchased"]])
            #expect(badOption.json["errors"]?.arrayValue?.first?["code"]?.stringValue == "INVALID_OPTION")
            let badOwner = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token, json: ["properties": ["hubspot_owner_id": "123"]])
            #expect(badOwner.status == 400)
            let cleared = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token, json: ["properties": ["firstname": ""]])
            #expect(cleared.json["properties"]?["firstname"] == .null)
            let inputs = SimJSON.array((0..<101).map { ["id": .string(String($0)), "properties": ["firstname": "x"]] })
            #expect(try await call("POST", endpoints.url("/crm/v3/objects/contacts/batch/update"), token: token, json: ["inputs": inputs]).status == 400)
            let partial = try await call("POST", endpoints.url("/crm/v3/objects/contacts/batch/update"), token: token,
                                         json: ["inputs": [["id": .string(id), "properties": ["firstname": "B"]], ["id": "999999", "properties": ["firstname": "C"]]]])
            #expect(partial.status == 207)
            #expect(partial.json["numErrors"]?.doubleValue == 1)
            #expect(partial.json["errors"]?.arrayValue?.first?["context"]?["ids"] == ["999999"])
            // Every write call counts, refused ones included: 8 calls above.
            #expect(await simulator.state.writeCalls(.hubspot) == 8)
        }
    }

    @Test("owners have an id distinct from their userId; properties describe options")
    func ownersAndProperties() async throws {
        try await withSimulator(people: 5) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let owners = try await call("GET", endpoints.url("/crm/v3/owners"), token: token).json["results"]?.arrayValue ?? []
            #expect(owners.count == 6)
            for owner in owners { #expect(owner["id"]?.stringValue != owner["userId"]?.flatText) }
            let properties = try await call("GET", endpoints.url("/crm/v3/properties/contacts"), token: token).json["results"]?.arrayValue ?? []
            let owner = try #require(properties.first { $0["name"] == "hubspot_owner_id" })
            #expect(owner["externalOptions"] == true && owner["referencedObjectType"] == "OWNER" && owner["options"] == [])
            let stage = try #require(properties.first { $0["name"] == "lifecyclestage" })
            #expect(stage["options"]?.arrayValue?.contains { $0["value"] == "marketingqualifiedlead" } == true)
        }
    }

    @Test("the ten-second bucket answers 429 with the real body once spent")
    func rateLimit() async throws {
        try await withSimulator { simulator, endpoints in
            await simulator.state.setHubSpotTenSecondLimit(3)
            let token = simulator.state.credentials.hubspotToken
            var statuses: [Int] = []
            var last: Reply?
            for _ in 0..<4 {
                let reply = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
                statuses.append(reply.status)
                last = reply
            }
            #expect(statuses == [200, 200, 200, 429])
            #expect(last?.json["errorType"] == "RATE_LIMIT")
            #expect(last?.json["policyName"] == "TEN_SECONDLY_ROLLING")
        }
    }

    @Test("the same seed generates the same data")
    func seeded() async throws {
        let a = CRMSimulator(), b = CRMSimulator()
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let first = try await SeedGenerator(options: .init(seed: 9, people: 50, now: now)).populate(a.state)
        let second = try await SeedGenerator(options: .init(seed: 9, people: 50, now: now)).populate(b.state)
        #expect(first.hubspotContacts == second.hubspotContacts && first.peopleInBoth == second.peopleInBoth && first.events == second.events)
        #expect(first.truth.people == second.truth.people && first.truth.accounts == second.truth.accounts)
        #expect(first.peopleInBoth > 0 && first.hubspotContacts > first.peopleInBoth)
        let emails = await a.state.hubspotRecords("contacts").compactMap { $0.properties["email"] }
        #expect(emails.contains { $0 != $0.lowercased() || $0 != $0.trimmingCharacters(in: .whitespaces) }, "the seed should include messy emails")
    }
}
