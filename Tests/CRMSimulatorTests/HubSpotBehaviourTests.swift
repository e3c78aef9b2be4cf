import CRMSimulator
import Foundation
import LeadRelayTestSupport
import LeadRelayCore
import Synchronization
import Testing

@Suite("Simulator: HubSpot behaviours connectors trip on")
struct HubSpotBehaviourTests {
    @Test("archiving hides a record from list and search, keeps its modification time, and shows it with archived=true")
    func archive() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "gone@x.io"])
            let before = await simulator.state.hubspotRecord("contacts", id: id)?.properties["lastmodifieddate"]
            #expect(try await call("DELETE", endpoints.url("/crm/v3/objects/contacts/\(id)"), token: token).status == 204)
            let record = try #require(await simulator.state.hubspotRecord("contacts", id: id))
            #expect(record.archived && record.archivedAt != nil && record.properties["lastmodifieddate"] == before)
            let live = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(live.json["results"] == [])
            let archived = try await call("GET", endpoints.url("/crm/v3/objects/contacts", query: "archived=true"), token: token)
            #expect(archived.json["results"]?.arrayValue?.first?["archived"] == true)
            #expect(archived.json["results"]?.arrayValue?.first?["archivedAt"]?.stringValue != nil)
            let search = try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: token, json: ["limit": 10])
            #expect(search.json["total"] == 0)
        }
    }

    @Test("lifecyclestage moves forward only through the API: a move back is answered 200 and not made, unless cleared first; a person in HubSpot may move it back")
    func lifecycleForwardOnly() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "stage@x.io", "lifecyclestage": "lead"])
            let url = endpoints.url("/crm/v3/objects/contacts/\(id)")
            func stage() async -> String? { await simulator.state.hubspotRecord("contacts", id: id)?.properties["lifecyclestage"] }
            #expect(try await call("PATCH", url, token: token, json: ["properties": ["lifecyclestage": "salesqualifiedlead"]]).status == 200)
            #expect(await stage() == "salesqualifiedlead")
            let back = try await call("PATCH", url, token: token, json: ["properties": ["lifecyclestage": "lead", "hs_lead_status": "BAD_TIMING"]])
            #expect(back.status == 200)
            #expect(await stage() == "salesqualifiedlead", "moving back is silently not done")
            #expect(await simulator.state.hubspotRecord("contacts", id: id)?.properties["hs_lead_status"] == "BAD_TIMING", "the rest of the write is")
            let batch = endpoints.url("/crm/v3/objects/contacts/batch/update")
            #expect(try await call("POST", batch, token: token, json: ["inputs": [["id": .string(String(id)), "properties": ["lifecyclestage": ""]]]]).status == 200)
            #expect(await stage() == nil)
            #expect(try await call("POST", batch, token: token, json: ["inputs": [["id": .string(String(id)), "properties": ["lifecyclestage": "lead"]]]]).status == 200)
            #expect(await stage() == "lead", "from blank, any stage")
            _ = try await simulator.state.updateHubSpotRecord("contacts", id: id, properties: ["lifecyclestage": "customer"])
            _ = try await simulator.state.updateHubSpotRecord("contacts", id: id, properties: ["lifecyclestage": "subscriber"])
            #expect(await stage() == "subscriber", "a person in HubSpot's own screens may move it back")
        }
    }

    @Test("upsert by email creates once, then updates, and says which")
    func upsert() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let url = endpoints.url("/crm/v3/objects/contacts/batch/upsert")
            let body: SimJSON = ["inputs": [["id": "Up@x.io", "idProperty": "email", "properties": ["firstname": "Up"]]]]
            let first = try await call("POST", url, token: token, json: body)
            let second = try await call("POST", url, token: token, json: body)
            #expect(first.json["results"]?.arrayValue?.first?["new"] == true)
            #expect(second.json["results"]?.arrayValue?.first?["new"] == false)
            #expect(await simulator.state.hubspotRecords("contacts").count == 1)
        }
    }

    @Test("merge: the loser vanishes, its id resolves to the survivor, hs_merged_object_ids records chains; the survivor may get a new id")
    func merge() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let a = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "a@x.io"])
            let b = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "b@x.io", "phone": "555"])
            let c = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "c@x.io"])
            let merged = try await call("POST", endpoints.url("/crm/v3/objects/contacts/merge"), token: token,
                                        json: ["primaryObjectId": .string(String(a)), "objectIdToMerge": .string(String(b))])
            #expect(merged.status == 200)
            #expect(merged.json["id"]?.stringValue == String(a))
            await simulator.state.setHubSpotMergeAssignsNewID(true)
            let survivor = try await simulator.state.mergeHubSpotContacts(primary: a, merged: c)
            #expect(survivor != a)
            let record = try #require(await simulator.state.hubspotRecord("contacts", id: survivor))
            #expect(Set(record.properties["hs_merged_object_ids"]?.split(separator: ";").map(String.init) ?? []) == [String(a), String(b), String(c)])
            #expect(record.properties["phone"] == "555")
            let viaOld = try await call("GET", endpoints.url("/crm/v3/objects/contacts/\(b)"), token: token)
            #expect(viaOld.json["id"]?.stringValue == String(survivor))
            let list = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(list.json["results"]?.arrayValue?.map { $0["id"]?.stringValue } == [String(survivor)])
        }
    }

    @Test("a merged-away address stays on the survivor: creating it again is a 409 naming the survivor until the v1 API takes it off")
    func mergedAddresses() async throws {
        try await withSimulator { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let a = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "ana@x.io"])
            let b = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "ana.s@gmail.com"])
            _ = try await simulator.state.mergeHubSpotContacts(primary: a, merged: b)
            #expect(await simulator.state.hubspotRecord("contacts", id: a)?.properties["hs_additional_emails"] == "ana.s@gmail.com")
            let again = try await call("POST", endpoints.url("/crm/v3/objects/contacts"), token: token, json: ["properties": ["email": "ana.s@gmail.com"]])
            #expect(again.status == 409)
            #expect(again.json["message"]?.stringValue == "Contact already exists. Existing ID: \(a)")
            let removed = try await call("DELETE", endpoints.url("/contacts/v1/secondary-email/\(a)/email/ana.s@gmail.com"), token: token)
            #expect(removed.status == 200)
            #expect(removed.json["secondaryEmails"]?.arrayValue == [])
            #expect(await simulator.state.hubspotRecord("contacts", id: a)?.properties["hs_additional_emails"] == nil)
            let missing = try await call("DELETE", endpoints.url("/contacts/v1/secondary-email/\(a)/email/ana.s@gmail.com"), token: token)
            #expect(missing.status == 404)
            let created = try await call("POST", endpoints.url("/crm/v3/objects/contacts"), token: token, json: ["properties": ["email": "ana.s@gmail.com"]])
            #expect(created.status == 201)
        }
    }

    @Test("a contact can be read by email with idProperty")
    func idProperty() async throws {
        try await withSimulator { simulator, endpoints in
            let id = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "Find@Me.io"])
            let reply = try await call("GET", endpoints.url("/crm/v3/objects/contacts/find@me.io", query: "idProperty=email"),
                                       token: simulator.state.credentials.hubspotToken)
            #expect(reply.json["id"]?.stringValue == String(id))
        }
    }

    @Test("index lag: a write shows in search only after the lag, the old version until then")
    func indexLag() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = CRMSimulator(state: SimulatorState(credentials: .init(hubspotToken: "pat-na1-t", salesforceClientID: "i", salesforceClientSecret: "s"),
                                                          clock: { clock.now }))
        try await simulator.withRunningInSlot { endpoints in
            let token = simulator.state.credentials.hubspotToken
            let old = try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "old@x.io", "firstname": "Before"])
            await simulator.state.setHubSpotIndexLag(30)
            clock.advance(1)
            try await simulator.state.createHubSpotRecord("contacts", properties: ["email": "new@x.io"])
            try await simulator.state.updateHubSpotRecord("contacts", id: old, properties: ["firstname": "After"])
            let body: SimJSON = ["properties": ["email", "firstname"], "limit": 10]
            let early = try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: token, json: body)
            #expect(early.json["results"]?.arrayValue?.map { $0["properties"]?["firstname"] } == ["Before"])
            clock.advance(31)
            let late = try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: token, json: body)
            #expect(late.json["total"] == 2)
            #expect(late.json["results"]?.arrayValue?.contains { $0["properties"]?["firstname"] == "After" } == true)
        }
    }

    @Test("search has its own per-second bucket; the daily allowance ends in 429 DAILY")
    func searchAndDailyLimits() async throws {
        // A clock that stands still: the per-second bucket cannot refill however slow the machine is.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
        let simulator = CRMSimulator(state: SimulatorState(credentials: .init(hubspotToken: "pat-na1-t", salesforceClientID: "i", salesforceClientSecret: "s"),
                                                          clock: { clock.now }))
        try await simulator.withRunningInSlot { endpoints in
            let token = simulator.state.credentials.hubspotToken
            await simulator.state.setHubSpotSearchPerSecond(2)
            await simulator.state.setHubSpotTenSecondLimit(1)
            var searches: [Int] = []
            for _ in 0..<3 {
                searches.append(try await call("POST", endpoints.url("/crm/v3/objects/contacts/search"), token: token, json: ["limit": 1]).status)
            }
            #expect(searches == [200, 200, 429])
            // Searches did not use the ten-second bucket: one list call still fits.
            #expect(try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token).status == 200)
            await simulator.state.setHubSpotTenSecondLimit(nil)
            await simulator.state.setHubSpotDailyLimit(3)
            let daily = try await call("GET", endpoints.url("/crm/v3/objects/contacts"), token: token)
            #expect(daily.status == 429 && daily.json["policyName"] == "DAILY")
        }
    }

    @Test("deactivated owners are listed only with archived=true, and records may still point at them")
    func archivedOwners() async throws {
        try await withSimulator(people: 200) { simulator, endpoints in
            let token = simulator.state.credentials.hubspotToken
            let active = try await call("GET", endpoints.url("/crm/v3/owners"), token: token).json["results"]?.arrayValue ?? []
            let archived = try await call("GET", endpoints.url("/crm/v3/owners", query: "archived=true"), token: token).json["results"]?.arrayValue ?? []
            #expect(active.count == 6 && archived.count == 1)
            let gone = try #require(archived.first?["id"]?.stringValue)
            #expect(await simulator.state.hubspotRecords("contacts").contains { $0.properties["hubspot_owner_id"] == gone })
        }
    }
}

/// A clock tests move by hand, so time-dependent behaviour is checked without sleeping.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
