@testable import CRMSimulator
import Foundation
import LeadRelayCore
import Testing

@Suite("Simulator: time-ordered search gives what the full scan gives")
struct SearchFastPathTests {
    @Test("keyset, range, descending and mixed filters: same total, same pages, with records changing in between")
    func sameAnswers() async throws {
        let state = SimulatorState(credentials: .init(hubspotToken: "t", salesforceClientID: "i", salesforceClientSecret: "s"))
        _ = try await SeedGenerator(options: .init(seed: 21, people: 1200, now: Date(timeIntervalSince1970: 1_760_000_000))).populate(state)
        let contacts = await state.hubspotRecords("contacts")
        // Many records share one modification time, as after a bulk update.
        for record in contacts.prefix(300) { try await state.updateHubSpotRecord("contacts", id: record.id, properties: ["jobtitle": "Bulk"]) }
        for record in contacts.suffix(5) { try await state.archiveHubSpotRecord("contacts", id: record.id) }
        let middle = contacts[contacts.count / 2]
        let stamp = SimTime.hubspot(middle.updatedAt)
        let bodies: [SimJSON] = [
            ["filterGroups": [["filters": [["propertyName": "lastmodifieddate", "operator": "GT", "value": .string(stamp)]]],
                              ["filters": [["propertyName": "lastmodifieddate", "operator": "EQ", "value": .string(stamp)],
                                           ["propertyName": "hs_object_id", "operator": "GT", "value": .string(String(middle.id))]]]],
             "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]], "limit": 200],
            ["filterGroups": [["filters": [["propertyName": "lastmodifieddate", "operator": "GTE", "value": .string(stamp)],
                                           ["propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"]]]],
             "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]], "limit": 50, "after": "100"],
            ["sorts": [["propertyName": "createdate", "direction": "DESCENDING"]], "limit": 100, "after": "20"],
            ["filterGroups": [["filters": [["propertyName": "jobtitle", "operator": "EQ", "value": "Bulk"]]],
                              ["filters": [["propertyName": "createdate", "operator": "LT", "value": .string(stamp)]]]],
             "sorts": [["propertyName": "lastmodifieddate", "direction": "ASCENDING"]], "limit": 200],
        ]
        for body in bodies {
            await state.setHubSpotSearchFastPath(true)
            let fast = try await state.hubspotSearch("contacts", body: body)
            await state.setHubSpotSearchFastPath(false)
            let slow = try await state.hubspotSearch("contacts", body: body)
            #expect(fast == slow)
            #expect((fast["total"]?.doubleValue ?? 0) > 0)
        }
        // After a change the cached order is rebuilt: the changed record moves to the end.
        await state.setHubSpotSearchFastPath(true)
        let first = try #require(contacts.first)
        try await state.updateHubSpotRecord("contacts", id: first.id, properties: ["jobtitle": "Moved"])
        let latest = try await state.hubspotSearch("contacts", body: ["sorts": [["propertyName": "lastmodifieddate", "direction": "DESCENDING"]], "limit": 1])
        #expect(latest["results"]?.arrayValue?.first?["id"] == .string(String(first.id)))
    }
}
