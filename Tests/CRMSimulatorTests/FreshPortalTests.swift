import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayTestSupport
import Testing

@Suite("Simulator: a freshly provisioned portal and org")
struct FreshPortalTests {
    @Test("no LeadRelay custom fields until created: HubSpot's properties API and Salesforce's Tooling API add them, once")
    func customFields() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let properties = try await call("GET", endpoints.url("/crm/v3/properties/contacts"), token: token)
            #expect(properties.json["results"]?.arrayValue?.contains { $0["name"]?.stringValue == "leadrelay_duplicate_of" } == false)
            let sf = try await salesforceToken(simulator, endpoints)
            let query = try await call("GET", endpoints.url("/services/data/v62.0/query", query: "q=SELECT+Id,LeadRelay_Duplicate_Of__c+FROM+Lead"), token: sf)
            #expect(query.status == 400 && String(decoding: query.body, as: UTF8.self).contains("INVALID_FIELD"))

            let body: SimJSON = ["name": "leadrelay_duplicate_of", "label": "Duplicate of", "type": "string", "fieldType": "text", "groupName": "contactinformation"]
            #expect(try await call("POST", endpoints.url("/crm/v3/properties/contacts"), token: token, json: body).status == 201)
            let again = try await call("POST", endpoints.url("/crm/v3/properties/contacts"), token: token, json: body)
            #expect(again.status == 409 && again.json["category"] == "OBJECT_ALREADY_EXISTS")
            let bad = try await call("POST", endpoints.url("/crm/v3/properties/contacts"), token: token,
                                     json: ["name": "Bad Name", "label": "x", "type": "string", "fieldType": "text", "groupName": "contactinformation"])
            #expect(bad.status == 400)

            let field: SimJSON = ["FullName": "Lead.LeadRelay_Duplicate_Of__c", "Metadata": ["label": "Duplicate of", "type": "Text", "length": 18]]
            let created = try await call("POST", endpoints.url("/services/data/v62.0/tooling/sobjects/CustomField"), token: sf, json: field)
            #expect(created.status == 201 && created.json["success"] == true && created.json["id"]?.stringValue?.hasPrefix("00N") == true)
            let duplicate = try await call("POST", endpoints.url("/services/data/v62.0/tooling/sobjects/CustomField"), token: sf, json: field)
            #expect(duplicate.status == 400 && String(decoding: duplicate.body, as: UTF8.self).contains("DUPLICATE_DEVELOPER_NAME"))
            let describe = try await call("GET", endpoints.url("/services/data/v62.0/sobjects/Lead/describe"), token: sf)
            #expect(describe.json["fields"]?.arrayValue?.contains { $0["name"] == "LeadRelay_Duplicate_Of__c" && $0["length"] == 18 } == true)
            let now = try await call("GET", endpoints.url("/services/data/v62.0/query", query: "q=SELECT+Id,LeadRelay_Duplicate_Of__c+FROM+Lead"), token: sf)
            #expect(now.status == 200)
        }
    }

    @Test("below Enterprise the events API answers 403 MISSING_SCOPES; Enterprise serves it")
    func eventsTier() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            await simulator.state.setHubSpotTier(.professional)
            let refused = try await call("GET", endpoints.url("/events/v3/events", query: "objectType=contact"), token: token)
            #expect(refused.status == 403 && refused.json["category"] == "MISSING_SCOPES")
            #expect(refused.json["message"]?.stringValue?.contains("Missing auth details") == true)
            await simulator.state.setHubSpotTier(.enterprise)
            #expect(try await call("GET", endpoints.url("/events/v3/events", query: "objectType=contact"), token: token).status == 200)
        }
    }

    @Test("owners by id or by user id; the org's global describe lists its sObjects")
    func ownersAndDescribe() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let owner = try #require(await simulator.state.hubspotOwnerList().first)
            let byID = try await call("GET", endpoints.url("/crm/v3/owners/\(owner.id)"), token: token)
            #expect(byID.status == 200 && byID.json["email"]?.stringValue == owner.email)
            let byUser = try await call("GET", endpoints.url("/crm/v3/owners/\(owner.userId)", query: "idProperty=userId"), token: token)
            #expect(byUser.status == 200 && byUser.json["id"]?.stringValue == owner.id)
            #expect(try await call("GET", endpoints.url("/crm/v3/owners/\(owner.userId)"), token: token).status == 404, "a user id is not an owner id")
            let sf = try await salesforceToken(simulator, endpoints)
            let global = try await call("GET", endpoints.url("/services/data/v62.0/sobjects"), token: sf)
            let names = global.json["sobjects"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(global.status == 200 && ["Account", "Contact", "Lead", "Task", "User"].allSatisfy(names.contains), "\(names)")
        }
    }
}

@Suite("Simulator: SOQL as real clients write it")
struct SOQLFidelityTests {
    @Test("LIKE: % any run, _ one character, a backslash escapes either; case-insensitive")
    func like() async throws {
        try await withSimulator(people: 0) { simulator, endpoints in
            for (last, company) in [("Pct", "100% Growth"), ("Under", "Big_Co"), ("Plain", "BigXCo"), ("Other", "Bigco")] {
                _ = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string(last), "Company": .string(company)])
            }
            let token = try await salesforceToken(simulator, endpoints)
            func names(_ whereClause: String) async throws -> Set<String> {
                let reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT LastName FROM Lead WHERE \(whereClause)")), token: token)
                #expect(reply.status == 200, "\(whereClause): \(reply.json)")
                return Set(reply.json["records"]?.arrayValue?.compactMap { $0["LastName"]?.stringValue } ?? [])
            }
            #expect(try await names(#"Company LIKE 'big_co'"#) == ["Under", "Plain"], "_ is one character")
            #expect(try await names(#"Company LIKE 'Big\_Co'"#) == ["Under"], "an escaped _ is itself")
            #expect(try await names(#"Company LIKE '100\% %'"#) == ["Pct"], "an escaped % is itself")
            #expect(try await names(#"Company LIKE 'big%'"#) == ["Under", "Plain", "Other"])
            #expect(try await names(#"Company LIKE '%*%'"#).isEmpty, "* is no wildcard in SOQL")
        }
    }

    @Test("datetime literals with Z, +00:00 and other offsets compare as the same instants")
    func offsets() async throws {
        try await withSimulator(people: 0) { simulator, endpoints in
            _ = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Now", "Company": "X"])
            let token = try await salesforceToken(simulator, endpoints)
            func count(_ literal: String) async throws -> Int? {
                let reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead WHERE CreatedDate > \(literal)")), token: token)
                #expect(reply.status == 200, "\(literal): \(reply.json)")
                return reply.json["totalSize"]?.doubleValue.map { Int($0) }
            }
            #expect(try await count("2020-01-01T00:00:00Z") == 1)
            #expect(try await count("2020-01-01T00:00:00+00:00") == 1)
            #expect(try await count("2020-01-01T00:00:00.000+0000") == 1)
            #expect(try await count("2999-01-01T00:00:00-05:00") == 0)
            let malformed = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead WHERE CreatedDate > 2020-01-01T00:00:00")), token: token)
            #expect(malformed.status == 400, "a datetime without a zone is refused, as Salesforce refuses it")
        }
    }
}
