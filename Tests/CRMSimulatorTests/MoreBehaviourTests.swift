import CRMSimulator
import Foundation
import LeadRelayCore
import LeadRelayTestSupport
import Testing

@Suite("Simulator: batch order, bulk stamps, dates, JWT grant, queues")
struct MoreBehaviourTests {
    @Test("batch results do not come back in input order")
    func batchOrder() async throws {
        try await withSimulator { simulator, endpoints in
            let inputs: [SimJSON] = (0..<20).map { ["properties": ["email": .string("b\($0)@order.io")]] }
            let reply = try await call("POST", endpoints.url("/crm/v3/objects/contacts/batch/create"),
                                       token: simulator.state.credentials.hubspotToken, json: ["inputs": .array(inputs)])
            #expect(reply.status == 201)
            let emails = reply.json["results"]?.arrayValue?.compactMap { $0["properties"]?["email"]?.stringValue } ?? []
            let expected = (0..<20).map { "b\($0)@order.io" }
            #expect(Set(emails) == Set(expected))
            #expect(emails != expected)
        }
    }

    @Test("a bulk update stamps every record with one modification time, which search can page through")
    func bulkStamp() async throws {
        try await withSimulator(people: 400) { simulator, endpoints in
            let reply = try await call("POST", endpoints.url("/_simulator/hubspot/bulk-update"),
                                       json: ["type": "contacts", "count": 250, "properties": ["hs_lead_status": "OPEN"]])
            #expect(reply.json["updated"] == 250)
            let stamps = Set(await simulator.state.hubspotRecords("contacts").filter { $0.properties["hs_lead_status"] == "OPEN" }
                .map { $0.properties["lastmodifieddate"] ?? "" })
            #expect(stamps.count == 1)
            let search = try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: simulator.state.credentials.hubspotToken,
                                        json: ["filterGroups": [["filters": [["propertyName": "lastmodifieddate", "operator": "EQ", "value": .string(stamps.first!)]]]],
                                               "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]], "limit": 100])
            #expect(search.json["total"] == 250)
            #expect(try await call("POST", endpoints.url("/_simulator/hubspot/bulk-update"), json: ["count": 3]).status == 400)
        }
    }

    @Test("date properties read back as YYYY-MM-DD however they were written")
    func dates() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "d@x.io", "sales_handoff_date": "1759968000000"])
            let reply = try await call("GET", endpoints.url("/crm/v3/objects/contacts/\(id)", query: "properties=sales_handoff_date"),
                                       token: simulator.state.credentials.hubspotToken)
            #expect(reply.json["properties"]?["sales_handoff_date"] == "2025-10-09")
        }
    }

    static func jwt(_ claims: SimJSON, alg: String = "RS256", key: TestKeys.Pair = TestKeys.connectedApp) throws -> String {
        func part(_ value: SimJSON) throws -> String {
            try value.encoded().base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let input = try part(["alg": .string(alg)]) + "." + part(claims)
        return input + "." + (try key.rs256(input))
    }

    @Test("JWT bearer grant: the signature verified with the uploaded certificate, claims checked (iss, sub, aud, exp), refusals are invalid_grant")
    func jwtGrant() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let client = simulator.state.credentials.salesforceClientID
            let before: SimJSON = ["iss": .string(client), "sub": "ana@example.com.sim", "aud": "https://login.salesforce.com",
                                   "exp": .number(Date().timeIntervalSince1970 + 120)]
            let noCertificate = try await call("POST", endpoints.url("/services/oauth2/token"),
                                               form: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(try Self.jwt(before))")
            #expect(noCertificate.status == 400 && noCertificate.json["error_description"] == "invalid assertion",
                    "no certificate uploaded to the connected app: nothing verifies")
            try await simulator.state.uploadSalesforceCertificate(publicKeyPEM: TestKeys.connectedApp.publicPEM)
            let now = Date().timeIntervalSince1970
            func grant(_ assertion: String) async throws -> Reply {
                try await call("POST", endpoints.url("/services/oauth2/token"),
                               form: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)")
            }
            let good: SimJSON = ["iss": .string(client), "sub": "ana@example.com.sim", "aud": "https://login.salesforce.com", "exp": .number(now + 120)]
            let granted = try await grant(try Self.jwt(good))
            #expect(granted.status == 200)
            let token = try #require(granted.json["access_token"]?.stringValue)
            #expect(try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT COUNT() FROM Lead")), token: token).status == 200)

            var wrongIssuer = good.objectValue!; wrongIssuer["iss"] = "someone-else"
            #expect(try await grant(try Self.jwt(.object(wrongIssuer))).json["error"] == "invalid_grant")
            var expired = good.objectValue!; expired["exp"] = .number(now - 5)
            #expect(try await grant(try Self.jwt(.object(expired))).json["error_description"] == "expired authorization code")
            var stranger = good.objectValue!; stranger["sub"] = "nobody@example.com"
            #expect(try await grant(try Self.jwt(.object(stranger))).json["error_description"] == "user hasn't approved this consumer")
            #expect(try await grant(try Self.jwt(good, key: TestKeys.stranger)).json["error_description"] == "invalid assertion",
                    "signed with a key that is not the certificate's")
            let parts = try Self.jwt(good).split(separator: ".")
            var forged = good.objectValue!; forged["sub"] = "ben@example.com.sim"
            let swapped = try Self.jwt(.object(forged)).split(separator: ".")
            #expect(try await grant("\(parts[0]).\(swapped[1]).\(parts[2])").status == 400, "claims changed under a valid signature")
            #expect(try await grant(try Self.jwt(good, alg: "none")).status == 400)
            #expect(try await grant("not-a-jwt").status == 400)
        }
    }

    @Test("a lead queue exists and can own leads")
    func queues() async throws {
        try await withSimulator(people: 10) { simulator, endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let reply = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id, Name, Type FROM Group WHERE Type = 'Queue'")), token: token)
            let queue = try #require(reply.json["records"]?.arrayValue?.first)
            let queueID = try #require(queue["Id"]?.stringValue)
            #expect(queueID.hasPrefix("00G"))
            let lead = try #require(await simulator.state.salesforceRecords("Lead").first)
            let patched = try await call("PATCH", endpoints.url("/services/data/v62.0/sobjects/Lead/\(lead.id)"), token: token, json: ["OwnerId": .string(queueID)])
            #expect(patched.status == 204)
            #expect(await simulator.state.salesforceRecord("Lead", id: lead.id)?.fields["OwnerId"] == .string(queueID))
        }
    }
}
