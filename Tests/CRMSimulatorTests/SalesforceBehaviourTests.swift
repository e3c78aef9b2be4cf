import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: Salesforce behaviours connectors trip on")
struct SalesforceBehaviourTests {
    func lead(_ simulator: CRMSimulator, _ name: String = "Lee") async throws -> String {
        try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string(name), "Company": "Acme", "Email": .string("\(name.lowercased())@acme.io")])
    }

    @Test("sObject resource: create 201, read with fields, delete 204; query hides deleted rows, queryAll shows them")
    func sobjects() async throws {
        try await withSimulator { simulator, endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let base = "/services/data/v62.0/sobjects/Lead"
            let created = try await call("POST", endpoints.url(base), token: token, json: ["LastName": "New", "Company": "Co"])
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            let read = try await call("GET", endpoints.url("\(base)/\(id)", query: "fields=Id,LastName,Status"), token: token)
            #expect(read.json["LastName"] == "New" && read.json["Status"] == "Open - Not Contacted")
            #expect(read.json["Email"] == nil)
            #expect(try await call("DELETE", endpoints.url("\(base)/\(id)"), token: token).status == 204)
            let again = try await call("DELETE", endpoints.url("\(base)/\(id)"), token: token)
            #expect(again.status == 404 && again.json.arrayValue?.first?["errorCode"] == "ENTITY_IS_DELETED")
            let patched = try await call("PATCH", endpoints.url("\(base)/\(id)"), token: token, json: ["LastName": "X"])
            #expect(patched.json.arrayValue?.first?["errorCode"] == "ENTITY_IS_DELETED")
            let live = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: token)
            #expect(live.json["totalSize"] == 0)
            let all = try await call("GET", endpoints.url("/services/data/v62.0/queryAll", query: soql("SELECT Id, IsDeleted FROM Lead")), token: token)
            #expect(all.json["records"]?.arrayValue?.first?["IsDeleted"] == true)
        }
    }

    @Test("If-Unmodified-Since: a row changed after that instant is not overwritten (412)")
    func precondition() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await lead(simulator)
            let token = try await salesforceToken(simulator, endpoints)
            let url = endpoints.url("/services/data/v62.0/sobjects/Lead/\(id)")
            let stale = try await call("PATCH", url, token: token, json: ["Title": "A"], headers: ["If-Unmodified-Since": "Mon, 10 Jun 2024 17:01:44 GMT"])
            #expect(stale.status == 412)
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["Title"] == nil)
            let fresh = try await call("PATCH", url, token: token, json: ["Title": "B"], headers: ["If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"])
            #expect(fresh.status == 204)
            let garbage = try await call("PATCH", url, token: token, json: ["Title": "C"], headers: ["If-Unmodified-Since": "yesterday"])
            #expect(garbage.status == 400)
        }
    }

    @Test("allOrNone: one bad record and nothing is committed; the others say they were rolled back")
    func allOrNone() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await lead(simulator)
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("PATCH", endpoints.url("/services/data/v62.0/composite/sobjects"), token: token, json: ["allOrNone": true, "records": [
                ["attributes": ["type": "Lead"], "Id": .string(id), "Title": "Changed"],
                ["attributes": ["type": "Lead"], "Id": .string(id), "OwnerId": "005000000000000AAA"],
            ]])
            #expect(reply.status == 200)
            let results = try #require(reply.json.arrayValue)
            #expect(results[0]["errors"]?.arrayValue?.first?["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK")
            #expect(results[1]["errors"]?.arrayValue?.first?["statusCode"] == "INVALID_CROSS_REFERENCE_KEY")
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["Title"] == nil)
            #expect(await simulator.state.writes.isEmpty)
        }
    }

    @Test("converting with an opportunity (control API) creates it at the first open stage with its amount and names it on the lead")
    func convertWithOpportunity() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await lead(simulator, "Opp")
            let converted = try await call("POST", endpoints.url("/_simulator/salesforce/leads/\(id)/convert"),
                                           json: ["opportunity": ["name": "Acme – 50 seats", "amount": 42000]])
            let opportunity = try #require(converted.json["opportunityId"]?.stringValue)
            #expect(opportunity.hasPrefix("006"))
            let row = try #require(await simulator.state.salesforceRecords("Opportunity").first { $0.id == opportunity })
            #expect(row.fields["Amount"] == .number(42000) && row.fields["StageName"] == .string("Prospecting") && row.fields["IsClosed"] == .bool(false))
            #expect(row.fields["AccountId"] == converted.json["accountId"]?.stringValue.map(SalesforceValue.string))
            let lead = try #require(await simulator.state.salesforceRecords("Lead").first { $0.id == id })
            #expect(lead.fields["ConvertedOpportunityId"] == .string(opportunity) && lead.fields["IsConverted"] == .bool(true))
            let plain = try await call("POST", endpoints.url("/_simulator/salesforce/leads/\(try await self.lead(simulator, "Plain"))/convert"))
            #expect(plain.json["opportunityId"] == nil, "without a body, no opportunity")
        }
    }

    @Test("converted leads are read-only and point at their new contact and account")
    func conversion() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await lead(simulator)
            let (account, contact, _) = try await simulator.state.convertSalesforceLead(id)
            let row = try #require(await simulator.state.salesforceRecord("Lead", id: id))
            #expect(row.fields["IsConverted"] == .bool(true) && row.fields["Status"] == .string("Closed - Converted"))
            #expect(row.fields["ConvertedContactId"] == .string(contact) && row.fields["ConvertedAccountId"] == .string(account))
            #expect(contact.hasPrefix("003") && account.hasPrefix("001"))
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("PATCH", endpoints.url("/services/data/v62.0/sobjects/Lead/\(id)"), token: token, json: ["Title": "x"])
            #expect(reply.json.arrayValue?.first?["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD")
        }
    }

    @Test("tasks logged against a lead close when completed and stamp the lead's last activity")
    func tasks() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await lead(simulator)
            try await simulator.state.logSalesforceTask(whoID: id, subject: "Call", subtype: "Call")
            try await simulator.state.logSalesforceTask(whoID: id, subject: "Follow up", subtype: "Task", status: "Not Started")
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/query",
                                                            query: soql("SELECT WhoId, Subject, IsClosed, Priority, TaskSubtype FROM Task WHERE WhoId = '\(id)' ORDER BY Subject")),
                                       token: token)
            let rows = try #require(reply.json["records"]?.arrayValue)
            #expect(rows.map { $0["IsClosed"] } == [true, false])
            #expect(rows.allSatisfy { $0["Priority"] == "Normal" })
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["LastActivityDate"] != nil)
            try await simulator.state.setSalesforceLeadStatus(id, status: "Closed - Not Converted", reason: "No budget")
            #expect(await simulator.state.salesforceRecord("Lead", id: id)?.fields["Disqualification_Reason__c"] == .string("No budget"))
        }
    }

    @Test("merged losers are deleted and name their master")
    func merge() async throws {
        try await withSimulator { simulator, endpoints in
            let master = try await lead(simulator, "Master"), loser = try await lead(simulator, "Loser")
            try await simulator.state.mergeSalesforceRecords("Lead", master: master, loser: loser)
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/queryAll", query: soql("SELECT Id, MasterRecordId FROM Lead WHERE IsDeleted = true")), token: token)
            #expect(reply.json["records"]?.arrayValue?.first?["MasterRecordId"]?.stringValue == master)
        }
    }

    @Test("the daily quota ends in 403 REQUEST_LIMIT_EXCEEDED, with usage on every response")
    func quota() async throws {
        try await withSimulator { simulator, endpoints in
            await simulator.state.setSalesforceDailyLimit(3)
            let token = try await salesforceToken(simulator, endpoints)
            var statuses: [Int] = []
            for _ in 0..<3 {
                statuses.append(try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: token).status)
            }
            #expect(statuses == [200, 200, 403])
            let refused = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: token)
            #expect(refused.json.arrayValue?.first?["errorCode"] == "REQUEST_LIMIT_EXCEEDED")
            #expect(refused.headers["sforce-limit-info"] == "api-usage=5/3")
        }
    }

    @Test("per-record faults follow their seed: the same seed fails the same records")
    func seededFaults() async throws {
        func run() async throws -> [Bool] {
            try await withSimulator(people: 10) { simulator, endpoints in
                await simulator.state.setFaultSeed(99)
                await simulator.state.setSalesforceRecordFaults(["UNABLE_TO_LOCK_ROW": 0.5])
                let token = try await salesforceToken(simulator, endpoints)
                let leads = await simulator.state.salesforceRecords("Lead").map(\.id)
                let reply = try await call("PATCH", endpoints.url("/services/data/v62.0/composite/sobjects"), token: token, json: ["allOrNone": false,
                    "records": .array(leads.map { ["attributes": ["type": "Lead"], "Id": .string($0), "Title": "T"] })])
                let results = reply.json.arrayValue ?? []
                #expect(results.contains { $0["errors"]?.arrayValue?.first?["statusCode"] == "UNABLE_TO_LOCK_ROW" })
                return results.map { $0["success"] == true }
            }
        }
        let first = try await run(), second = try await run()
        #expect(first == second)
        #expect(first.contains(true) && first.contains(false))
    }

    @Test("late commits carry a SystemModstamp in the past")
    func lateCommit() async throws {
        try await withSimulator { simulator, _ in
            await simulator.state.setSalesforceLateCommit(rate: 1, seconds: 120)
            let before = Date()
            let id = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Late", "Company": "C"])
            try await simulator.state.setSalesforceLeadStatus(id, status: "Working - Contacted")
            guard case .datetime(let stamp)? = await simulator.state.salesforceRecord("Lead", id: id)?.fields["SystemModstamp"] else {
                Issue.record("no stamp"); return
            }
            #expect(stamp < before.addingTimeInterval(-100))
        }
    }

    @Test("the refresh-token grant issues a new session; a wrong refresh token is invalid_grant")
    func refreshGrant() async throws {
        try await withSimulator { simulator, endpoints in
            let credentials = simulator.state.credentials
            let good = try await call("POST", endpoints.url("/services/oauth2/token"),
                                      form: "grant_type=refresh_token&client_id=\(credentials.salesforceClientID)&refresh_token=\(credentials.salesforceRefreshToken)")
            #expect(good.status == 200 && good.json["access_token"]?.stringValue != nil)
            let bad = try await call("POST", endpoints.url("/services/oauth2/token"),
                                     form: "grant_type=refresh_token&client_id=\(credentials.salesforceClientID)&refresh_token=nope")
            #expect(bad.status == 400 && bad.json["error"] == "invalid_grant")
        }
    }
}
