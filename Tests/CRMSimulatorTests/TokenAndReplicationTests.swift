import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import Testing

@Suite("Simulator: token expiry, rate-limit headers, replication resources, cursors")
struct TokenAndReplicationTests {
    static func simulator(_ clock: ManualClock) -> CRMSimulator {
        CRMSimulator(state: SimulatorState(credentials: .init(hubspotToken: "pat-na1-t", salesforceClientID: "cid", salesforceClientSecret: "sec"),
                                           clock: { clock.now }))
    }

    @Test("HubSpot OAuth: refresh grant gives expires_in; an expired token gets 401 EXPIRED_AUTHENTICATION; bad refresh token 400")
    func hubspotOAuth() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = Self.simulator(clock)
        try await simulator.withRunningInSlot { endpoints in
            let credentials = simulator.state.credentials
            let form = "grant_type=refresh_token&client_id=\(credentials.hubspotClientID)&client_secret=\(credentials.hubspotClientSecret)&refresh_token=\(credentials.hubspotRefreshToken)"
            let granted = try await call("POST", endpoints.url("/oauth/v1/token"), form: form)
            #expect(granted.status == 200)
            #expect(granted.json["expires_in"] == 1800)
            #expect(granted.json["token_type"] == "bearer")
            #expect(granted.json["refresh_token"]?.stringValue == credentials.hubspotRefreshToken)
            let token = try #require(granted.json["access_token"]?.stringValue)

            let works = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(works.status == 200)
            #expect(works.headers["x-hubspot-ratelimit-daily"] == nil, "OAuth calls omit the daily pair")
            let introspect = try await call("GET", endpoints.url("/oauth/v1/access-tokens/\(token)"))
            #expect(introspect.json["expires_in"] == 1800)

            clock.advance(1812)
            let expired = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(expired.status == 401)
            #expect(expired.json["category"] == "EXPIRED_AUTHENTICATION")
            #expect(expired.json["message"]?.stringValue?.contains("expired 12 second(s) ago") == true)
            // The private-app token never expires.
            #expect(try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: credentials.hubspotToken).status == 200)

            // Expire-now knob, over the control API.
            let fresh = try await call("POST", endpoints.url("/oauth/v1/token"), form: form).json["access_token"]?.stringValue ?? ""
            _ = try await call("POST", endpoints.url("/_simulator/hubspot/expire-tokens"))
            #expect(try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: fresh).json["category"] == "EXPIRED_AUTHENTICATION")

            let refused = try await call("POST", endpoints.url("/oauth/v1/token"),
                                         form: "grant_type=refresh_token&client_id=\(credentials.hubspotClientID)&client_secret=\(credentials.hubspotClientSecret)&refresh_token=nope")
            #expect(refused.status == 400)
            #expect(refused.json["status"] == "BAD_REFRESH_TOKEN")
            let unknown = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: "CJTforged")
            #expect(unknown.json["category"] == "INVALID_AUTHENTICATION")
        }
    }

    @Test("HubSpot rate-limit headers: ten-second trio, daily pair for private apps, secondly pair on search")
    func rateLimitHeaders() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = Self.simulator(clock)
        await simulator.state.setHubSpotTenSecondLimit(190)
        await simulator.state.setHubSpotDailyLimit(1000)
        await simulator.state.setHubSpotSearchPerSecond(5)
        try await simulator.withRunningInSlot { endpoints in
            let token = simulator.state.credentials.hubspotToken
            let list = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(list.headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000")
            #expect(list.headers["x-hubspot-ratelimit-max"] == "190")
            #expect(list.headers["x-hubspot-ratelimit-remaining"] == "189")
            #expect(list.headers["x-hubspot-ratelimit-daily"] == "1000")
            #expect(list.headers["x-hubspot-ratelimit-daily-remaining"] == "999")
            let search = try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: token, json: ["limit": 1])
            #expect(search.headers["x-hubspot-ratelimit-secondly"] == "5")
            #expect(search.headers["x-hubspot-ratelimit-secondly-remaining"] == "4")
            #expect(search.headers["x-hubspot-ratelimit-max"] == nil, "search is outside the ten-second bucket")
        }
    }

    @Test("HubSpot date properties refuse values that are not midnight UTC with INVALID_DATE")
    func invalidDate() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "d@x.io"])
            let noon = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token,
                                      json: ["properties": ["sales_handoff_date": "1760011200000"]])
            #expect(noon.status == 400)
            #expect(noon.json["errors"]?.arrayValue?.first?["code"] == "INVALID_DATE")
            let midnight = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token,
                                          json: ["properties": ["sales_handoff_date": "1759968000000"]])
            #expect(midnight.status == 200)
            let civil = try await call("PATCH", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token,
                                       json: ["properties": ["sales_handoff_date": "2025-10-09"]])
            #expect(civil.status == 200)
        }
    }

    @Test("Salesforce sessions expire after their lifetime with INVALID_SESSION_ID; a new token works")
    func salesforceSessionLifetime() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = Self.simulator(clock)
        await simulator.state.setSalesforceSessionLifetime(7200)
        try await simulator.withRunningInSlot { endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let url = endpoints.url("/services/data/v62.0/query", query: soql("SELECT COUNT() FROM Lead"))
            #expect(try await call("GET", url, token: token).status == 200)
            clock.advance(7200)
            let expired = try await call("GET", url, token: token)
            #expect(expired.status == 401)
            #expect(expired.json.arrayValue?.first?["errorCode"] == "INVALID_SESSION_ID")
            #expect(try await call("GET", url, token: try await salesforceToken(simulator, endpoints)).status == 200)
        }
    }

    @Test("Salesforce query cursors expire when left unread: INVALID_QUERY_LOCATOR")
    func locatorExpiry() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = Self.simulator(clock)
        for index in 0..<450 {
            try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": .string("L\(index)"), "Company": "C"])
        }
        try await simulator.withRunningInSlot { endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            let first = try await call("GET", endpoints.url("/services/data/v62.0/query", query: soql("SELECT Id FROM Lead")), token: token,
                                       headers: ["Sforce-Query-Options": "batchSize=200"])
            let next = try #require(first.json["nextRecordsUrl"]?.stringValue)
            clock.advance(600)
            let second = try await call("GET", endpoints.url(next), token: token)
            #expect(second.status == 200, "read within 15 minutes")
            let third = try #require(second.json["nextRecordsUrl"]?.stringValue)
            clock.advance(901)
            let stale = try await call("GET", endpoints.url(third), token: token)
            #expect(stale.status == 400)
            #expect(stale.json.arrayValue?.first?["errorCode"] == "INVALID_QUERY_LOCATOR")
        }
    }

    @Test("Salesforce /deleted and /updated: rows in the window, 30-day limits, latestDateCovered")
    func replication() async throws {
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        let clock = ManualClock(start)
        let simulator = Self.simulator(clock)
        let kept = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Kept", "Company": "C"])
        let gone = try await simulator.state.createSalesforceRecord("Lead", fields: ["LastName": "Gone", "Company": "C"])
        clock.advance(3600)
        try await simulator.state.deleteSalesforceRecord("Lead", id: gone)
        try await simulator.state.setSalesforceLeadStatus(kept, status: "Working - Contacted")
        clock.advance(3600)
        try await simulator.withRunningInSlot { endpoints in
            let token = try await salesforceToken(simulator, endpoints)
            func window(_ resource: String, from: Date, to: Date) async throws -> Reply {
                let query = "start=\(from.formatted(.iso8601))&end=\(to.formatted(.iso8601))"
                return try await call("GET", endpoints.url("/services/data/v62.0/sobjects/Lead/\(resource)/", query: query), token: token)
            }
            let deleted = try await window("deleted", from: start.addingTimeInterval(1800), to: start.addingTimeInterval(7200))
            #expect(deleted.status == 200)
            #expect(deleted.json["deletedRecords"]?.arrayValue?.map { $0["id"] } == [.string(gone)])
            #expect(deleted.json["deletedRecords"]?.arrayValue?.first?["deletedDate"]?.stringValue?.hasSuffix(".000+0000") == true)
            #expect(deleted.json["latestDateCovered"] != nil && deleted.json["earliestDateAvailable"] != nil)
            let updated = try await window("updated", from: start.addingTimeInterval(1800), to: start.addingTimeInterval(7200))
            #expect(updated.json["ids"] == [.string(kept)])
            let before = try await window("updated", from: start.addingTimeInterval(-60), to: start.addingTimeInterval(60))
            #expect(before.json["ids"] == .array([]), "the kept row changed after this window; the deleted one is no longer live")
            let tooLong = try await window("deleted", from: start.addingTimeInterval(-40 * 86_400), to: start)
            #expect(tooLong.status == 400)
            #expect(tooLong.json.arrayValue?.first?["errorCode"] == "INVALID_REPLICATION_DATE")
            let missing = try await call("GET", endpoints.url("/services/data/v62.0/sobjects/Lead/deleted/"), token: token)
            #expect(missing.status == 400)
        }
    }
}
