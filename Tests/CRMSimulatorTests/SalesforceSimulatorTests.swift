import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: Salesforce API")
struct SalesforceSimulatorTests {
    @Test("token endpoint: client credentials give a token and instance_url, no expires_in; bad ones are refused")
    func token() async throws {
        try await withSimulator { simulator, endpoints in
            let credentials = simulator.state.credentials
            let good = try await call("POST", endpoints.url("/services/oauth2/token"),
                                      form: "grant_type=client_credentials&client_id=\(credentials.salesforceClientID)&client_secret=\(credentials.salesforceClientSecret)")
            #expect(good.status == 200)
            #expect(good.json["instance_url"]?.stringValue == endpoints.baseURL.absoluteString)
            #expect(good.json["expires_in"] == nil)
            #expect(good.json["issued_at"]?.stringValue?.count == 13)
            let bad = try await call("POST", endpoints.url("/services/oauth2/token"), form: "grant_type=client_credentials&client_id=x&client_secret=y")
            #expect(bad.status == 400)
            #expect(bad.json["error"] == "invalid_client")
        }
    }

    @Test("queries need a session, a known version and valid SOQL; errors are arrays with errorCode")
    func errors() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let noSession = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: "nope")
            #expect(noSession.status == 401)
            #expect(noSession.json.arrayValue?.first?["errorCode"] == "INVALID_SESSION_ID")
            let token = try await salesforceToken(simulator, endpoints)
            #expect(try await call("GET", endpoints.url("/services/data/v12.0/query", query: soql("SELECT Id FROM Lead")), token: token).status == 404)
            let cases: [(String, String)] = [
                ("SELECT Foo FROM Lead", "INVALID_FIELD"),
                ("SELECT Id FROM Widget", "INVALID_TYPE"),
                ("SELECT Id Lead", "MALFORMED_QUERY"),
                ("SELECT Id FROM Lead WHERE LastName = 'O''Dell'", "MALFORMED_QUERY"),
                ("SELECT Id FROM Lead WHERE LastName = 'a\\qb'", "MALFORMED_QUERY"),
                ("SELECT Id FROM Lead WHERE SystemModstamp > '2024-01-01T00:00:00Z'", ""),
                ("SELECT Id FROM Lead WHERE SystemModstamp > 2024-01-01T00:00:00", "MALFORMED_QUERY"),
            ]
            for (query, code) in cases {
                let reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql(query)), token: token)
                if code.isEmpty { continue }
                #expect(reply.status == 400, "\(query)")
                #expect(reply.json.arrayValue?.first?["errorCode"]?.stringValue == code, "\(query)")
            }
        }
    }

    @Test("records: attributes, every selected field, null for empty, 18-char ids, +0000 datetimes, numbers as numbers, Owner.Email")
    func shapes() async throws {
        try await withSimulator(people: 20) { simulator, endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/query",
                                                            query: soql("SELECT Id, Email, Website, NumberOfEmployees, IsConverted, SystemModstamp, Owner.Email FROM Lead ORDER BY SystemModstamp DESC, Id LIMIT 5")),
                                       token: token)
            #expect(reply.status == 200)
            #expect(reply.json["done"] == true)
            let records = try #require(reply.json["records"]?.arrayValue)
            #expect(records.count == 5)
            for record in records {
                #expect(record["attributes"]?["type"] == "Lead")
                let id = try #require(record["Id"]?.stringValue)
                #expect(id.count == 18 && id.hasPrefix("00Q"))
                #expect(record["Website"] == .null)
                if case .number = record["NumberOfEmployees"] {} else { Issue.record("NumberOfEmployees is not a JSON number") }
                #expect(record["IsConverted"] == false)
                #expect(record["SystemModstamp"]?.stringValue?.hasSuffix(".000+0000") == true)
                #expect(record["Owner"]?["Email"] == "integration@example.com")
            }
            let count = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT COUNT() FROM Lead")), token: token)
            #expect((count.json["totalSize"]?.doubleValue ?? 0) > 0 && count.json["records"] == [])
        }
    }

    @Test("escaped string literals match the stored text exactly")
    func escapes() async throws {
        try await withSimulator { simulator, endpoints in
            let nasty = "O'Dell \\ \"quoted\"\nline"
            try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string(nasty), "Company": "X"])
            let token = try await salesforceToken(simulator, endpoints)
            let literal = "'O\\'Dell \\\\ \\\"quoted\\\"\\nline'"
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id, LastName FROM Lead WHERE LastName = \(literal)")), token: token)
            #expect(reply.json["records"]?.arrayValue?.first?["LastName"]?.stringValue == nasty)
        }
    }

    @Test("more than 2,000 rows page through nextRecordsUrl; batchSize lowers the page")
    func paging() async throws {
        try await withSimulator { simulator, endpoints in
            for index in 0..<2300 {
                try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string("L\(index)"), "Company": "C"])
            }
            let token = try await salesforceToken(simulator, endpoints)
            var reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead ORDER BY Id")), token: token)
            #expect(reply.json["records"]?.arrayValue?.count == 2000)
            #expect(reply.json["done"] == false)
            var ids = Set((reply.json["records"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue })
            let next = try #require(reply.json["nextRecordsUrl"]?.stringValue)
            #expect(next.hasPrefix("/services/data/v62.0/query/"))
            reply = try await call("GET", endpoints.url(next), token: token)
            #expect(reply.json["done"] == true && reply.json["nextRecordsUrl"] == nil)
            ids.formUnion((reply.json["records"]?.arrayValue ?? []).compactMap { $0["Id"]?.stringValue })
            #expect(ids.count == 2300)
            let small = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: token,
                                       headers: ["Sforce-Query-Options": "batchSize=500"])
            #expect(small.json["records"]?.arrayValue?.count == 500)
            #expect(small.headers["sforce-limit-info"]?.hasPrefix("api-usage=") == true)
        }
    }

    @Test("composite collections: 200 cap, per-record results in order, bad owner refused, required fields on create")
    func composite() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let url = endpoints.url("/services/data/v62.0/composite/sobjects")
            let leads = await simulator.state.salesforceRecords("Lead").prefix(2).map(\.id)
            let user = try #require(await simulator.state.salesforceRecords("User").first?.id)
            let update = try await call("PATCH", url, token: token, json: ["allOrNone": false, "records": [
                ["attributes": ["type": "Lead"], "Id": .string(leads[0]), "OwnerId": .string(user)],
                ["attributes": ["type": "Lead"], "Id": .string(leads[1]), "OwnerId": "005000000000000AAA"],
            ]])
            #expect(update.status == 200)
            let results = try #require(update.json.arrayValue)
            #expect(results[0]["success"] == true)
            #expect(results[1]["success"] == false)
            #expect(results[1]["errors"]?.arrayValue?.first?["statusCode"] == "INVALID_CROSS_REFERENCE_KEY")
            let create = try await call("POST", url, token: token, json: ["allOrNone": false, "records": [["attributes": ["type": "Lead"], "FirstName": "No"]]])
            #expect(create.json.arrayValue?.first?["errors"]?.arrayValue?.first?["statusCode"] == "REQUIRED_FIELD_MISSING")
            let tooMany = SimJSON.array((0..<201).map { _ in ["attributes": ["type": "Lead"], "LastName": "x", "Company": "y"] })
            let capped = try await call("POST", url, token: token, json: ["allOrNone": false, "records": tooMany])
            #expect(capped.status == 400)
            #expect(capped.json.arrayValue?.first?["errorCode"] == "EXCEEDED_ID_LIMIT")
        }
    }

    @Test("describe lists picklists and update flags")
    func describe() async throws {
        try await withSimulator { simulator, endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/sobjects/Lead/describe"), token: token)
            let fields = try #require(reply.json["fields"]?.arrayValue)
            let status = try #require(fields.first { $0["name"] == "Status" })
            #expect(status["picklistValues"]?.arrayValue?.first?["value"] == "Open - Not Contacted")
            let stamp = try #require(fields.first { $0["name"] == "SystemModstamp" })
            #expect(stamp["updateable"] == false)
            let owner = try #require(fields.first { $0["name"] == "OwnerId" })
            #expect(owner["referenceTo"] == ["Group", "User"])
        }
    }

    @Test("the Slack sink records what it receives and refuses messages without text")
    func slack() async throws {
        try await withSimulator { simulator, endpoints in
            let accepted = try await call("POST", endpoints.slackWebhookURL, json: ["text": "hello"])
            let refused = try await call("POST", endpoints.slackWebhookURL, json: ["blocks": []])
            #expect(accepted.status == 200)
            #expect(refused.status == 400)
            #expect(await simulator.state.slackBodies() == [["text": "hello"]])
        }
    }
}
